//! Serde round trip: a Rust config goes to Lua, a Lua script edits it,
//! and it comes back as the same Rust type; JSON goes through Lua and
//! back unchanged, nulls in arrays included.
//!
//! Run with `cargo run -p lunar --example serde_roundtrip`.

use lunar::{Program, Serde, State, Value};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Backend {
    Local,
    Remote { url: String, retries: u8 },
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Config {
    name: String,
    workers: u32,
    ratio: f64,
    backends: Vec<Backend>,
    owner: Option<String>,
}

fn main() -> lunar::Result<()> {
    let mut state = State::new();
    state.set_global("null", Value::NULL)?;

    // 1. A struct in, edited by Lua, the same type out.
    let config = Config {
        name: "api".into(),
        workers: 4,
        ratio: 0.5,
        backends: vec![Backend::Local],
        owner: None,
    };
    let edit = Program::compile(
        "edit.lua",
        r#"
        local c = ...
        c.workers = c.workers * 2           -- stays an integer
        c.ratio = c.ratio + 0.25            -- a float
        c.owner = "ops"                     -- None becomes Some
        -- Enums: "Local" is a unit variant, {Remote = {...}} a struct one.
        c.backends[#c.backends + 1] = { Remote = { url = "https://b", retries = 3 } }
        return c
        "#,
    )?;
    let Serde(edited): Serde<Config> = state.run_with(&edit, Serde(&config))?;
    println!("before: {config:?}");
    println!("after:  {edited:?}");

    // 2. JSON through Lua: arrays keep their nulls (as `null`, the
    //    sentinel), integers stay integers and floats floats.
    let json: serde_json::Value = serde_json::from_str(
        r#"{"ids": [1, null, 3], "price": 10.0, "count": 10, "tags": ["a", "b"]}"#,
    )
    .expect("valid JSON");
    let inspect = Program::compile(
        "inspect.lua",
        r#"
        local doc = ...
        print(("lua sees: #ids = %d, ids[2] == null: %s, price is %s, count is %s")
            :format(#doc.ids, tostring(doc.ids[2] == null),
                    math.type(doc.price), math.type(doc.count)))
        doc.tags[#doc.tags + 1] = "from-lua"
        return doc
        "#,
    )?;
    let Serde(back): Serde<serde_json::Value> = state.run_with(&inspect, Serde(&json))?;
    println!("json back: {back}");

    // 3. A value of the wrong shape: the error names the field.
    let bad: Value = state.exec(
        "bad.lua",
        "return { name = 'x', workers = 'many', ratio = 1, backends = {} }",
    )?;
    let err = state.from_value::<Config>(bad).unwrap_err();
    println!("bad config: {err}");
    Ok(())
}
