//! Serde between Rust and Lua: round trips of JSON values, structs,
//! enums, options and maps, the null sentinel, number subtypes, and the
//! wording of conversion errors.
#![cfg(feature = "serde")]

use lunar::{ErrorKind, Program, Serde, State, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// `v` to Lua and back through `from_value`.
fn round_trip<T: Serialize + serde::de::DeserializeOwned>(state: &mut State, v: &T) -> T {
    let lua = state.to_value(v).unwrap();
    state.from_value(lua).unwrap()
}

/// `v` to Lua, through a Lua function that copies it deeply, and back:
/// the value survives Lua code, not just the conversion.
fn through_lua(state: &mut State, v: serde_json::Value) -> serde_json::Value {
    let p = Program::compile(
        "copy.lua",
        r#"
        local function copy(v)
            if type(v) ~= "table" then return v end
            local t = {}
            for k, x in pairs(v) do t[k] = copy(x) end
            return t
        end
        return copy((...))
        "#,
    )
    .unwrap();
    let Serde(out): Serde<serde_json::Value> = state.run_with(&p, Serde(v)).unwrap();
    out
}

#[test]
fn json_values_round_trip() {
    let mut state = State::new();
    for v in [
        json!(null),
        json!(true),
        json!(42),
        json!(-7),
        json!(1.5),
        json!(1.0),
        json!("text"),
        json!([1, 2, 3]),
        json!([1, null, 3]),
        json!([null]),
        json!({"a": 1, "b": [true, false], "c": {"d": "e"}}),
        json!({"list": [{"x": 1}, {"x": 2.5}], "name": "n", "deep": [[[]], [1]]}),
        json!([[1, 2], [3, [4, [5]]]]),
    ] {
        // `[[]]`'s inner empty array comes back as `{}` (an empty table
        // is a map): compare against that.
        let expect =
            if v == json!({"list": [{"x": 1}, {"x": 2.5}], "name": "n", "deep": [[[]], [1]]}) {
                json!({"list": [{"x": 1}, {"x": 2.5}], "name": "n", "deep": [[{}], [1]]})
            } else {
                v.clone()
            };
        assert_eq!(round_trip(&mut state, &v), expect, "direct: {v}");
        assert_eq!(
            through_lua(&mut state, v.clone()),
            expect,
            "through Lua: {v}"
        );
    }
}

#[test]
fn non_string_keys_read_as_json_object_keys() {
    let mut state = State::new();
    let v: Value = state
        .exec("t.lua", "return { [5] = 'a', [1.5] = 'b', x = 'c' }")
        .unwrap();
    let j: serde_json::Value = state.from_value(v).unwrap();
    assert_eq!(j, json!({"5": "a", "1.5": "b", "x": "c"}));
    // A sparse array is a map too.
    let v: Value = state.exec("t.lua", "return { 10, 20, nil, 40 }").unwrap();
    let j: serde_json::Value = state.from_value(v).unwrap();
    assert_eq!(j, json!({"1": 10, "2": 20, "4": 40}));
    // Integer keys stay integers for integer-keyed maps.
    let v: Value = state
        .exec("t.lua", "return { [5] = 'a', [-1] = 'b' }")
        .unwrap();
    let m: BTreeMap<i64, String> = state.from_value(v).unwrap();
    assert_eq!(
        m,
        BTreeMap::from([(-1, "b".to_string()), (5, "a".to_string())])
    );
}

#[test]
fn documented_losses() {
    let mut state = State::new();
    // An empty table reads as a map for self-describing targets...
    assert_eq!(round_trip(&mut state, &json!([])), json!({}));
    // ...but as what the Rust type asks for otherwise.
    let empty: Vec<i32> = round_trip(&mut state, &Vec::<i32>::new());
    assert!(empty.is_empty());
    // A null in a map is an absent key.
    assert_eq!(
        round_trip(&mut state, &json!({"a": null, "b": 1})),
        json!({"b": 1})
    );
}

#[test]
fn integers_and_floats_keep_their_subtype() {
    let mut state = State::new();
    let v = state
        .to_value(&BTreeMap::from([
            ("i", json!(1)),
            ("f", json!(1.0)),
            ("big", json!(u64::MAX)),
        ]))
        .unwrap();
    state.set_global("v", v).unwrap();
    let small = state.to_value(&0.1f32).unwrap();
    state.set_global("small", small).unwrap();
    let (i, f, big, small): (String, String, String, f64) = state
        .exec(
            "t.lua",
            "return math.type(v.i), math.type(v.f), math.type(v.big), small",
        )
        .unwrap();
    assert_eq!(
        (i.as_str(), f.as_str(), big.as_str()),
        ("integer", "float", "float")
    );
    assert_eq!(small, 0.1);
    let x: f32 = round_trip(&mut state, &0.1f32);
    assert_eq!(x, 0.1f32);
    // u64 above i64::MAX comes back (exactly, when the float holds it).
    let big = 1u64 << 63;
    assert_eq!(round_trip(&mut state, &big), big);
    // A float with an integer value fills an integer.
    let n: i64 = state.exec("t.lua", "return 10 / 2").unwrap();
    assert_eq!(n, 5);
    let v: Value = state.exec("t.lua", "return 10 / 2").unwrap();
    assert_eq!(state.from_value::<u8>(v).unwrap(), 5);
    let v: Value = state.exec("t.lua", "return 2.5").unwrap();
    let err = state.from_value::<i32>(v).unwrap_err();
    assert_eq!(err.message(), "number has no integer representation");
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Server {
    host: String,
    port: u16,
    tags: Vec<String>,
    weight: Option<f64>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Config {
    name: String,
    servers: Vec<Server>,
    limits: HashMap<String, i64>,
    mode: Mode,
    fallback: Option<Box<Config>>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Mode {
    Off,
    Fixed(u32),
    Pair(i8, i8),
    Ranged { lo: i32, hi: i32 },
}

fn config() -> Config {
    Config {
        name: "edge".into(),
        servers: vec![
            Server {
                host: "a".into(),
                port: 80,
                tags: vec!["x".into(), "y".into()],
                weight: Some(0.5),
            },
            Server {
                host: "b".into(),
                port: 8080,
                tags: vec![],
                weight: None,
            },
        ],
        limits: HashMap::from([("rps".into(), 100), ("burst".into(), 10)]),
        mode: Mode::Ranged { lo: -1, hi: 9 },
        fallback: Some(Box::new(Config {
            name: "inner".into(),
            servers: vec![],
            limits: HashMap::new(),
            mode: Mode::Off,
            fallback: None,
        })),
    }
}

#[test]
fn structs_enums_options_and_maps_round_trip() {
    let mut state = State::new();
    let c = config();
    assert_eq!(round_trip(&mut state, &c), c);
    for mode in [
        Mode::Off,
        Mode::Fixed(7),
        Mode::Pair(-1, 2),
        Mode::Ranged { lo: 1, hi: 2 },
    ] {
        assert_eq!(round_trip(&mut state, &mode), mode);
    }
    let m: BTreeMap<i64, Vec<Option<bool>>> =
        BTreeMap::from([(1, vec![Some(true), None]), (5, vec![None, Some(false)])]);
    assert_eq!(round_trip(&mut state, &m), m);
    let t = (1u8, "two".to_string(), 3.5f64, ());
    assert_eq!(round_trip(&mut state, &t), t);
}

#[test]
fn lua_sees_the_documented_shapes() {
    let mut state = State::new();
    let v = state.to_value(&config()).unwrap();
    state.set_global("c", v).unwrap();
    let (host, ntags, weight, mode_hi, inner_mode): (String, i64, Option<f64>, i64, String) = state
        .exec(
            "t.lua",
            "return c.servers[1].host, #c.servers[1].tags, c.servers[2].weight, \
             c.mode.Ranged.hi, c.fallback.mode",
        )
        .unwrap();
    assert_eq!(host, "a");
    assert_eq!(ntags, 2);
    assert_eq!(weight, None);
    assert_eq!(mode_hi, 9);
    assert_eq!(inner_mode, "Off");

    // A Lua-made table converts to the struct: missing Option fields are
    // None, extra keys and non-string keys are ignored.
    let v: Value = state
        .exec(
            "t.lua",
            "return { host = 'h', port = 1, tags = {'t'}, extra = true, [1] = 'x' }",
        )
        .unwrap();
    let s: Server = state.from_value(v).unwrap();
    assert_eq!(
        s,
        Server {
            host: "h".into(),
            port: 1,
            tags: vec!["t".into()],
            weight: None
        }
    );
    let v: Value = state.exec("t.lua", "return { Fixed = 3 }").unwrap();
    assert_eq!(state.from_value::<Mode>(v).unwrap(), Mode::Fixed(3));
}

#[test]
fn null_keeps_sequences_whole() {
    let mut state = State::new();
    state.set_global("null", Value::NULL).unwrap();
    let v = state.to_value(&vec![Some(1), None, Some(3)]).unwrap();
    state.set_global("v", v).unwrap();
    let (n, second_is_null): (i64, bool) = state.exec("t.lua", "return #v, v[2] == null").unwrap();
    assert_eq!((n, second_is_null), (3, true));
    // Lua builds JSON-ish data with the sentinel.
    let v: Value = state.exec("t.lua", "return {1, null, 'x'}").unwrap();
    let j: serde_json::Value = state.from_value(v).unwrap();
    assert_eq!(j, json!([1, null, "x"]));
    let v: Value = state.exec("t.lua", "return {a = null}").unwrap();
    let j: serde_json::Value = state.from_value(v).unwrap();
    assert_eq!(j, json!({"a": null}));
}

#[test]
fn errors_name_the_place() {
    let mut state = State::new();
    let cases: [(&str, &str); 6] = [
        (
            "return { host = 'h', port = '80', tags = {} }",
            "field 'port': number expected, got string",
        ),
        (
            "return { host = 'h', port = 80, tags = {'a', 2} }",
            "field 'tags[2]': string expected, got number",
        ),
        ("return 'h'", "table expected, got string"),
        (
            "return { host = 'h', port = 70000, tags = {} }",
            "field 'port': invalid value: integer `70000`, expected u16",
        ),
        ("return { port = 1, tags = {} }", "missing field `host`"),
        (
            "return { host = 'h', port = 1, tags = {}, weight = setmetatable({}, {__name = 'Thing'}) }",
            "field 'weight': number expected, got Thing",
        ),
    ];
    for (src, want) in cases {
        let v: Value = state.exec("t.lua", src).unwrap();
        let err = state.from_value::<Server>(v).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Conversion, "{src}");
        assert_eq!(err.message(), want, "{src}");
    }
    let v: Value = state
        .exec("t.lua", "return { name = 'n', servers = { { host = 'h', port = 1, tags = {} }, { host = 'h', port = true, tags = {} } }, limits = {}, mode = 'Off' }")
        .unwrap();
    let err = state.from_value::<Config>(v).unwrap_err();
    assert_eq!(
        err.message(),
        "field 'servers[2].port': number expected, got boolean"
    );
    let v: Value = state
        .exec("t.lua", "return { ['Content-Type'] = 1 }")
        .unwrap();
    let err = state.from_value::<HashMap<String, String>>(v).unwrap_err();
    assert_eq!(
        err.message(),
        "field '[\"Content-Type\"]': string expected, got number"
    );
    let v: Value = state.exec("t.lua", "return { Nope = 1 }").unwrap();
    let err = state.from_value::<Mode>(v).unwrap_err();
    assert!(
        err.message().starts_with("unknown variant `Nope`"),
        "{}",
        err.message()
    );
    let v: Value = state.exec("t.lua", "return print").unwrap();
    let err = state.from_value::<serde_json::Value>(v).unwrap_err();
    assert_eq!(err.message(), "function cannot be converted");
}

#[test]
fn cycles_and_depth_are_errors() {
    let mut state = State::new();
    let v: Value = state
        .exec("t.lua", "local t = {} t.self = t return t")
        .unwrap();
    let err = state.from_value::<serde_json::Value>(v).unwrap_err();
    assert!(
        err.message().starts_with("field 'self.self.self.")
            && err.message().ends_with("...': cyclic value")
            && err.message().len() < 160,
        "{}",
        err.message()
    );
    let v: Value = state
        .exec(
            "t.lua",
            "local t = {} for i = 1, 300 do t = {t} end return t",
        )
        .unwrap();
    let err = state.from_value::<serde_json::Value>(v).unwrap_err();
    assert!(
        err.message().ends_with("value nested too deep"),
        "{}",
        err.message()
    );
}

#[test]
fn serde_in_function_arguments_and_results() {
    let mut state = State::new();
    state
        .register("describe", |_, Serde(s): Serde<Server>| {
            Ok(format!("{}:{}", s.host, s.port))
        })
        .unwrap();
    state
        .register("make", |_, host: String| {
            Ok(Serde(Server {
                host,
                port: 443,
                tags: vec!["tls".into()],
                weight: None,
            }))
        })
        .unwrap();
    let s: String = state
        .exec(
            "t.lua",
            "local s = make('x') return describe(s) .. ' ' .. s.tags[1]",
        )
        .unwrap();
    assert_eq!(s, "x:443 tls");
    let err = state
        .exec::<()>("t.lua", "describe({ host = 'h', port = 'p', tags = {} })")
        .unwrap_err();
    assert_eq!(
        err.message(),
        "t.lua:1: bad argument #1 to 'describe' (field 'port': number expected, got string)"
    );
    let err = state.exec::<()>("t.lua", "describe(5)").unwrap_err();
    assert_eq!(
        err.message(),
        "t.lua:1: bad argument #1 to 'describe' (table expected, got number)"
    );
}

#[test]
fn json_encode_and_decode_through_lua() {
    // A Lua JSON encoder fed by serde and a decoder whose output serde
    // reads: both directions agree with serde_json.
    let mut state = State::new();
    state.set_global("null", Value::NULL).unwrap();
    state
        .register("decode", |cx, text: String| {
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(lunar::Error::external)?;
            cx.to_value(&v)
        })
        .unwrap();
    let encoder = Program::compile(
        "encode.lua",
        r#"
        local function encode(v)
            local t = type(v)
            if v == null or v == nil then return "null"
            elseif t == "boolean" then return tostring(v)
            elseif t == "number" then
                if math.type(v) == "integer" then return tostring(v) end
                return string.format("%.17g", v)
            elseif t == "string" then return string.format("%q", v)
            end
            if #v > 0 then
                local out = {}
                for i = 1, #v do out[i] = encode(v[i]) end
                return "[" .. table.concat(out, ",") .. "]"
            end
            local keys = {}
            for k in pairs(v) do keys[#keys + 1] = k end
            table.sort(keys)
            local out = {}
            for _, k in ipairs(keys) do out[#out + 1] = string.format("%q", k) .. ":" .. encode(v[k]) end
            return "{" .. table.concat(out, ",") .. "}"
        end
        local v = decode((...))
        return encode(v), v
        "#,
    )
    .unwrap();
    let doc = json!({"users": [{"name": "ann", "age": 41, "score": 2.5}, {"name": "bo", "age": null}], "ok": true});
    let (text, Serde(back)): (String, Serde<serde_json::Value>) =
        state.run_with(&encoder, doc.to_string()).unwrap();
    let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    // `"age": null` is absent in Lua.
    let want =
        json!({"users": [{"name": "ann", "age": 41, "score": 2.5}, {"name": "bo"}], "ok": true});
    assert_eq!(reparsed, want);
    assert_eq!(back, want);
}

#[test]
fn values_of_another_state_are_refused() {
    let mut a = State::new();
    let mut b = State::new();
    let v = a.to_value(&json!({"x": 1})).unwrap();
    let err = b.from_value::<serde_json::Value>(v).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Usage);
}
