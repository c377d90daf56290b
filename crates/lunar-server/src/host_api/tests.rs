//! Unit tests of the host modules: JSON both ways through Lua, and the
//! host-side `to_json`/`from_json`.

use super::*;
use crate::http_client::HttpClientConfig;

fn state() -> lunar::State {
    let mut state = lunar::State::new();
    let services = HostServices {
        kv: Kv::memory(),
        http: HttpClient::new(HttpClientConfig::default()),
    };
    install(&mut state, &services).unwrap();
    state
}

fn lua_str(state: &mut lunar::State, code: &str) -> String {
    state.exec::<String>("t.lua", code).unwrap()
}

fn lua_err(state: &mut lunar::State, code: &str) -> String {
    state
        .exec::<()>("t.lua", code)
        .unwrap_err()
        .message()
        .to_string()
}

#[test]
fn encode_scalars() {
    let mut s = state();
    for (code, want) in [
        ("return json.encode(nil)", "null"),
        ("return json.encode(true)", "true"),
        ("return json.encode(false)", "false"),
        ("return json.encode(0)", "0"),
        ("return json.encode(-42)", "-42"),
        (
            "return json.encode(math.mininteger)",
            "-9223372036854775808",
        ),
        ("return json.encode(math.maxinteger)", "9223372036854775807"),
        ("return json.encode(1.0)", "1.0"),
        ("return json.encode(-0.0)", "-0.0"),
        ("return json.encode(0.1)", "0.1"),
        ("return json.encode(1e300)", "1e300"),
        ("return json.encode(2^53)", "9007199254740992.0"),
        ("return json.encode(json.null)", "null"),
        ("return json.encode('a\"b\\\\c')", r#""a\"b\\c""#),
        (
            "return json.encode('\\n\\r\\t\\b\\f\\0\\x1f\\x7f/é')",
            "\"\\n\\r\\t\\b\\f\\u0000\\u001f\u{7f}/é\"",
        ),
    ] {
        assert_eq!(lua_str(&mut s, code), want, "{code}");
    }
}

#[test]
fn encode_tables() {
    let mut s = state();
    for (code, want) in [
        ("return json.encode({})", "{}"),
        ("return json.encode({1, 'two', {3}})", r#"[1,"two",[3]]"#),
        ("return json.encode({a = {}})", r#"{"a":{}}"#),
        ("return json.encode({[1] = 'x', [2] = 'y'})", r#"["x","y"]"#),
        // Not exactly 1..n: objects, integer keys as strings.
        ("return json.encode({[2] = 'x'})", r#"{"2":"x"}"#),
        ("return json.encode({[0] = 'x'})", r#"{"0":"x"}"#),
        ("return json.encode({[-1] = 'x'})", r#"{"-1":"x"}"#),
        ("return json.encode({json.null, json.null})", "[null,null]"),
        // 3.0 as a key is the integer 3.
        ("return json.encode({[3.0] = true})", r#"{"3":true}"#),
    ] {
        assert_eq!(lua_str(&mut s, code), want, "{code}");
    }
    // A hole below the border, or extra keys: an object.
    let mixed = lua_str(&mut s, "return json.encode({1, 2, x = 3})");
    let v: serde_json::Value = serde_json::from_str(&mixed).unwrap();
    assert_eq!(v, serde_json::json!({"1": 1, "2": 2, "x": 3}));
    let holes = lua_str(
        &mut s,
        "local t = {1, 2, 3, 4} t[2] = nil return json.encode(t)",
    );
    let v: serde_json::Value = serde_json::from_str(&holes).unwrap();
    assert_eq!(v, serde_json::json!({"1": 1, "3": 3, "4": 4}));
    // Metatables are not consulted.
    assert_eq!(
        lua_str(
            &mut s,
            "return json.encode(setmetatable({}, {__index = function() return 1 end}))"
        ),
        "{}"
    );
}

#[test]
fn encode_errors() {
    let mut s = state();
    for (code, want) in [
        (
            "json.encode(0/0)",
            "t.lua:1: json.encode: cannot encode NaN",
        ),
        (
            "json.encode({1/0})",
            "t.lua:1: json.encode: cannot encode inf",
        ),
        (
            "json.encode(-1/0)",
            "t.lua:1: json.encode: cannot encode -inf",
        ),
        (
            "json.encode(print)",
            "t.lua:1: json.encode: cannot encode a function",
        ),
        (
            "json.encode({f = coroutine.create(print)})",
            "t.lua:1: json.encode: cannot encode a thread",
        ),
        (
            "json.encode(io.stdout)",
            "t.lua:1: json.encode: cannot encode a userdata",
        ),
        (
            "json.encode({[true] = 1})",
            "t.lua:1: json.encode: table key must be a string or an integer, got boolean",
        ),
        (
            "json.encode({[1.5] = 1})",
            "t.lua:1: json.encode: table key must be a string or an integer, got float",
        ),
        (
            "json.encode('\\xff')",
            "t.lua:1: json.encode: cannot encode a string that is not UTF-8",
        ),
        (
            "local t = {} t.self = t json.encode(t)",
            "t.lua:1: json.encode: cannot encode a cyclic table",
        ),
        (
            "local t = {} t[1] = {t} json.encode(t)",
            "t.lua:1: json.encode: cannot encode a cyclic table",
        ),
        (
            "local t = {} for i = 1, 300 do t = {t} end json.encode(t)",
            "t.lua:1: json.encode: nesting deeper than 200 levels",
        ),
        (
            "json.encode()",
            "t.lua:1: bad argument #1 to 'encode' (value expected)",
        ),
    ] {
        let got = lua_err(&mut s, code);
        assert_eq!(got, want, "{code}");
    }
    // A table met twice but not inside itself is no cycle.
    assert_eq!(
        lua_str(&mut s, "local t = {1} return json.encode({t, t, {a = t}})"),
        r#"[[1],[1],{"a":[1]}]"#
    );
    // 200 levels are fine.
    let deep = lua_str(
        &mut s,
        "local t = {} for i = 1, 199 do t = {t} end return json.encode(t)",
    );
    assert_eq!(deep.len(), 2 * 199 + 2);
}

#[test]
fn decode_values() {
    let mut s = state();
    let code = r#"
        local v = json.decode[[ {"a": [1, -2, 3.5, 1e2, -0, true, false, null, "x\u00e9\ud83d\ude00\n\/"], "b": {}, "c": []} ]]
        local a = v.a
        assert(math.type(a[1]) == 'integer' and a[1] == 1)
        assert(math.type(a[2]) == 'integer' and a[2] == -2)
        assert(math.type(a[3]) == 'float' and a[3] == 3.5)
        assert(math.type(a[4]) == 'float' and a[4] == 100.0)
        assert(math.type(a[5]) == 'integer' and a[5] == 0)
        assert(a[6] == true and a[7] == false and a[8] == json.null)
        assert(a[9] == 'x\u{e9}\u{1F600}\n/')
        assert(#a == 9)
        assert(next(v.b) == nil and next(v.c) == nil)
        return 'ok'
    "#;
    assert_eq!(lua_str(&mut s, code), "ok");
    // Integers past 64 bits become floats; the extremes stay integers.
    let code = r#"
        local a = json.decode('[9223372036854775807, -9223372036854775808, 9223372036854775808, 1.0]')
        assert(a[1] == math.maxinteger and a[2] == math.mininteger)
        assert(math.type(a[3]) == 'float' and a[3] == 2^63)
        assert(math.type(a[4]) == 'float')
        return 'ok'
    "#;
    assert_eq!(lua_str(&mut s, code), "ok");
    // Duplicate keys: the last one wins; null in objects is kept.
    assert_eq!(
        lua_str(
            &mut s,
            r#"local v = json.decode('{"k":1,"k":2,"n":null}') return v.k .. tostring(v.n == json.null)"#
        ),
        "2true"
    );
}

#[test]
fn round_trips() {
    let mut s = state();
    let code = r#"
        local docs = {
            '{"a":[1,2.5,"s",null,true,{"b":{}}],"c":-7}',
            '[[[]],{},"\\u0001\\"\\\\"]',
            '[0.1,1e-7,123456789.125,-1.0,1.7976931348623157e308]',
        }
        -- Objects come out in table order, which differs between two
        -- tables with the same keys: compare decoded values instead.
        local function same(a, b)
            if type(a) ~= 'table' or type(b) ~= 'table' then
                return a == b and math.type(a) == math.type(b)
            end
            for k, v in pairs(a) do if not same(v, b[k]) then return false end end
            for k in pairs(b) do if a[k] == nil then return false end end
            return true
        end
        for _, d in ipairs(docs) do
            local once = json.encode(json.decode(d))
            assert(same(json.decode(once), json.decode(d)), once .. ' ~= ' .. d)
        end
        -- Floats come back as floats, integers as integers.
        local v = json.decode(json.encode({1, 1.0, 2^63, -0.0, 1/3}))
        assert(math.type(v[1]) == 'integer' and math.type(v[2]) == 'float')
        assert(v[3] == 2^63 and 1/v[4] < 0 and v[5] == 1/3)
        return 'ok'
    "#;
    assert_eq!(lua_str(&mut s, code), "ok");
}

#[test]
fn decode_agrees_with_serde_json() {
    let mut s = state();
    let doc = serde_json::json!({
        "users": [{"id": 1, "name": "Ann", "tags": ["a", "b"], "score": 9.5},
                  {"id": 2, "name": "Bö \"q\"", "tags": [], "score": -1e-3}],
        "meta": {"total": 2, "next": null, "ok": true}
    });
    let text = serde_json::to_vec(&doc).unwrap();
    let v = from_json(&mut s, &text).unwrap();
    let back = to_json(&mut s, &v).unwrap();
    let mut reread: serde_json::Value = serde_json::from_slice(&back).unwrap();
    // `[]` comes back as `{}` (an empty table is an object).
    reread["users"][1]["tags"] = serde_json::json!([]);
    assert_eq!(reread, doc);
}

#[test]
fn decode_errors() {
    let mut s = state();
    for (text, want) in [
        ("", "unexpected end of input at line 1 column 1"),
        ("   ", "unexpected end of input at line 1 column 4"),
        ("[1,2", "unexpected end of input at line 1 column 5"),
        ("[1 2]", "expected ',' or ']' at line 1 column 4"),
        ("{\"a\" 1}", "expected ':' at line 1 column 6"),
        ("{1:2}", "expected a string key at line 1 column 2"),
        ("{\"a\":1,}", "expected a string key at line 1 column 8"),
        ("{\"a\":1 \"b\"}", "expected ',' or '}' at line 1 column 8"),
        ("[1,]", "unexpected character ']' at line 1 column 4"),
        ("tru", "unexpected end of input at line 1 column 4"),
        ("nul!", "unexpected character '!' at line 1 column 4"),
        ("[1]x", "unexpected character 'x' at line 1 column 4"),
        ("\n\n  @", "unexpected character '@' at line 3 column 3"),
        ("01", "unexpected character '1' at line 1 column 2"),
        ("-", "invalid number at line 1 column 2"),
        ("1.", "invalid number at line 1 column 3"),
        ("1e+", "invalid number at line 1 column 4"),
        (".5", "unexpected character '.' at line 1 column 1"),
        ("\"abc", "unexpected end of input at line 1 column 5"),
        ("\"a\tb\"", "control character in string at line 1 column 3"),
        ("\"a\\qb\"", "invalid escape in string at line 1 column 3"),
        (
            "\"\\u12g4\"",
            "invalid \\u escape in string at line 1 column 2",
        ),
        (
            "\"\\ud800\"",
            "unpaired surrogate in \\u escape at line 1 column 2",
        ),
        (
            "\"\\udc00\"",
            "unpaired surrogate in \\u escape at line 1 column 2",
        ),
        (
            "\"\\ud800\\u0041\"",
            "unpaired surrogate in \\u escape at line 1 column 2",
        ),
        ("[\"é\", ü]", "unexpected character 'ü' at line 1 column 8"),
        ("[\x01]", "unexpected byte 0x01 at line 1 column 2"),
    ] {
        let err = from_json(&mut s, text.as_bytes()).unwrap_err();
        assert_eq!(err.message(), format!("json.decode: {want}"), "{text:?}");
    }
    let err = from_json(&mut s, b"[\"a\xff\"]").unwrap_err();
    assert_eq!(
        err.message(),
        "json.decode: invalid UTF-8 at line 1 column 4"
    );
    let deep = "[".repeat(201) + &"]".repeat(201);
    let err = from_json(&mut s, deep.as_bytes()).unwrap_err();
    assert_eq!(
        err.message(),
        "json.decode: nesting deeper than 200 levels at line 1 column 201"
    );
    let ok = "[".repeat(200) + &"]".repeat(200);
    assert!(from_json(&mut s, ok.as_bytes()).is_ok());
    // Through Lua: the caller's position, then the message.
    assert_eq!(
        lua_err(&mut s, "json.decode('[1,')"),
        "t.lua:1: json.decode: unexpected end of input at line 1 column 4"
    );
    assert_eq!(
        lua_err(&mut s, "json.decode({})"),
        "t.lua:1: bad argument #1 to 'decode' (string expected, got table)"
    );
}

#[test]
fn host_side_values() {
    let mut s = state();
    assert_eq!(to_json(&mut s, &Value::Nil).unwrap(), b"null");
    assert_eq!(to_json(&mut s, &Value::Integer(7)).unwrap(), b"7");
    assert_eq!(to_json(&mut s, &Value::NULL).unwrap(), b"null");
    let v = s.create_string("x\"y");
    assert_eq!(to_json(&mut s, &Value::String(v)).unwrap(), br#""x\"y""#);
    let e = to_json(&mut s, &Value::Number(f64::NAN)).unwrap_err();
    assert_eq!(e.message(), "json.encode: cannot encode NaN");
    // The transfer slot is left empty and invisible to scripts.
    let v: Value = s.exec("t.lua", "return {1}").unwrap();
    to_json(&mut s, &v).unwrap();
    assert_eq!(
        s.exec::<i64>(
            "t.lua",
            "local n = 0 for k in pairs(_G) do if k:byte(1) == 0 then n = n + 1 end end return n"
        )
        .unwrap(),
        0
    );
    // Scalars decode without the slot.
    assert_eq!(from_json(&mut s, b"12").unwrap(), Value::Integer(12));
    assert_eq!(from_json(&mut s, b"null").unwrap(), Value::NULL);
    // A decoded table survives a collection: it is rooted.
    let v = from_json(&mut s, br#"{"k": ["v"]}"#).unwrap();
    s.collect_garbage();
    s.set_global("v", v).unwrap();
    assert_eq!(lua_str(&mut s, "return v.k[1]"), "v");
}

#[test]
fn encode_and_decode_obey_limits() {
    let mut s = state();
    let big: lunar::Table = s
        .exec(
            "t.lua",
            "local t = {} for i = 1, 100000 do t[i] = i end return t",
        )
        .unwrap();
    s.set_global("big", big).unwrap();
    s.set_limits(lunar::Limits {
        instructions: Some(20_000),
        ..Default::default()
    });
    let err = s.exec::<()>("t.lua", "json.encode(big)").unwrap_err();
    assert_eq!(err.limit(), Some(lunar::Limit::Instructions));
    let err = s
        .exec::<()>("t.lua", "json.decode(string.rep(' ', 1000000) .. '1')")
        .unwrap_err();
    assert_eq!(err.limit(), Some(lunar::Limit::Instructions));
}

/// A small deterministic generator of JSON documents (xorshift).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn string(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "é", "€", "😀",
            "\u{7f}", "key",
        ];
        (0..self.below(8))
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }

    fn value(&mut self, depth: u32) -> serde_json::Value {
        use serde_json::Value as J;
        let kinds = if depth >= 4 { 5 } else { 7 };
        match self.below(kinds) {
            0 => J::Null,
            1 => J::Bool(self.below(2) == 0),
            2 => J::from(self.next() as i64 >> self.below(64)),
            3 => {
                // serde_json's parser is not correctly rounded (without
                // its float_roundtrip feature), so floats it would misread
                // from their shortest form are left out here; the test
                // below checks every float against Rust's exact parser.
                let f = f64::from_bits(self.next());
                let exact = |f: f64| serde_json::from_str::<f64>(&format!("{f:?}")).ok() == Some(f);
                J::from(if f.is_finite() && exact(f) { f } else { 0.5 })
            }
            4 => J::String(self.string()),
            // No empty arrays: `[]` comes back as `{}`.
            5 => J::Array(
                (0..1 + self.below(4))
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
            _ => J::Object(
                (0..self.below(4))
                    .map(|_| (self.string(), self.value(depth + 1)))
                    .collect(),
            ),
        }
    }
}

#[test]
fn random_documents_round_trip_as_serde_json_reads_them() {
    let mut s = state();
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for _ in 0..500 {
        let doc = g.value(0);
        let text = serde_json::to_vec(&doc).unwrap();
        let v = from_json(&mut s, &text).unwrap();
        let back = to_json(&mut s, &v).unwrap();
        let reread: serde_json::Value = serde_json::from_slice(&back).unwrap();
        assert_eq!(reread, doc, "{}", String::from_utf8_lossy(&text));
        // And through Lua's own functions.
        let t = s.create_string(&text);
        s.set_global("text", t).unwrap();
        let again: LuaString = s
            .exec("t.lua", "return json.encode(json.decode(text))")
            .unwrap();
        assert_eq!(again.as_bytes(), &back[..]);
    }
}

#[test]
fn floats_round_trip_exactly() {
    let mut s = state();
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    let specials = [
        0.1,
        1.0 / 3.0,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        -0.0,
        1e16,
        1e-7,
    ];
    let randoms: Vec<f64> = (0..2000)
        .map(|_| f64::from_bits(g.next()))
        .filter(|f| f.is_finite())
        .collect();
    for f in specials.into_iter().chain(randoms) {
        let text = to_json(&mut s, &Value::Number(f)).unwrap();
        let text = std::str::from_utf8(&text).unwrap();
        assert_eq!(
            text.parse::<f64>().unwrap().to_bits(),
            f.to_bits(),
            "{text}"
        );
        // A float reads back as a float, bit for bit.
        match from_json(&mut s, text.as_bytes()).unwrap() {
            Value::Number(back) => assert_eq!(back.to_bits(), f.to_bits(), "{text}"),
            other => panic!("{text} read back as {other:?}"),
        }
    }
}
