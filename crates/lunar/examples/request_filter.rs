//! A request filter: the host compiles an operator's Lua policy once,
//! then runs it on every request with a time budget, passing the request
//! in and reading the verdict back through serde.
//!
//! Run with `cargo run -p lunar --example request_filter`.

use lunar::{Limits, Program, Serde, State, StdLib, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the host knows about a request.
#[derive(Serialize)]
struct Request {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    client: Option<String>,
}

/// What the policy decides.
#[derive(Deserialize, Debug)]
struct Verdict {
    allow: bool,
    status: Option<u16>,
    reason: Option<String>,
    #[serde(default)]
    add_headers: BTreeMap<String, String>,
}

/// The operator's policy (would come from a config file).
const POLICY: &str = r#"
local req = ...
if req.path:match("^/admin") and req.headers["x-role"] ~= "admin" then
    return { allow = false, status = 403, reason = "admins only" }
end
if req.client == nil then
    return { allow = false, status = 400, reason = "no client id" }
end
if is_blocked(req.client) then
    return { allow = false, status = 429, reason = "slow down, " .. req.client }
end
return { allow = true, add_headers = { ["x-checked-by"] = "lua" } }
"#;

fn main() -> lunar::Result<()> {
    // Compile once; a Program is shared by every state and thread.
    let policy = Program::compile("policy.lua", POLICY)?;

    // Untrusted code: safe libraries, and a budget of work per request.
    let mut state = State::builder()
        .libs(StdLib::SAFE)
        .limits(Limits {
            instructions: Some(1_000_000),
            ..Default::default()
        })
        .build();
    state.set_global("null", Value::NULL)?;
    // The host gives the policy what it may ask.
    state.register("is_blocked", |_, client: String| Ok(client == "mallory"))?;

    let requests = [
        ("GET", "/index.html", Some("alice"), None),
        ("POST", "/admin/users", Some("bob"), None),
        ("DELETE", "/admin/users/7", Some("carol"), Some("admin")),
        ("GET", "/api/items", Some("mallory"), None),
        ("GET", "/api/items", None, None),
    ];
    for (method, path, client, role) in requests {
        let mut headers = BTreeMap::new();
        if let Some(role) = role {
            headers.insert("x-role".to_string(), role.to_string());
        }
        let req = Request {
            method: method.into(),
            path: path.into(),
            headers,
            client: client.map(str::to_string),
        };
        let Serde(v): Serde<Verdict> = state.run_with(&policy, Serde(req))?;
        let outcome = if v.allow {
            format!("allow {:?}", v.add_headers)
        } else {
            format!(
                "deny {} ({})",
                v.status.unwrap_or(403),
                v.reason.as_deref().unwrap_or("-")
            )
        };
        println!("{method:6} {path:16} -> {outcome}");
    }

    // A broken policy is an error with the place, never a crash.
    let broken = Program::compile("broken.lua", "local req = ... return req.nope.deeper")?;
    let req = Request {
        method: "GET".into(),
        path: "/".into(),
        headers: BTreeMap::new(),
        client: None,
    };
    let err = state
        .run_with::<_, Serde<Verdict>>(&broken, Serde(req))
        .unwrap_err();
    println!("broken policy: {err}");
    Ok(())
}
