//! The host modules as scripts see them: `sleep`, `kv` and `json` run
//! through `lunar::State` with `host_api::install` on a tokio runtime.

mod host_common;

use lunar_server::host_api::{self, HostServices};
use lunar_server::http_client::{HttpClient, HttpClientConfig};
use lunar_server::kv::Kv;
use std::time::{Duration, Instant};

fn state_with(kv: &Kv) -> lunar::State {
    let mut state = lunar::State::new();
    let services = HostServices {
        kv: kv.clone(),
        http: HttpClient::new(HttpClientConfig::default()),
    };
    host_api::install(&mut state, &services).unwrap();
    state
}

async fn run<R: lunar::FromLuaMulti>(state: &mut lunar::State, code: &str) -> lunar::Result<R> {
    let p = lunar::Program::compile("t.lua", code).unwrap();
    state.run_async::<R>(&p).await
}

#[tokio::test]
async fn sleep_waits_in_pcall_and_coroutines() {
    let mut state = state_with(&Kv::memory());
    let started = Instant::now();
    let out: String = run(
        &mut state,
        r#"
        local log = {}
        sleep(0.05)
        log[#log + 1] = "plain"
        local ok, v = pcall(function() sleep(0.02) return "in pcall" end)
        assert(ok, v)
        log[#log + 1] = v
        -- An error after the wait is caught by the pcall around it.
        local ok2, e = pcall(function() sleep(0) error("after", 0) end)
        assert(not ok2 and e == "after")
        local co = coroutine.create(function(a)
            sleep(0.01)
            local b = coroutine.yield(a + 1)
            sleep(0.01)
            return b * 2
        end)
        local _, x = coroutine.resume(co, 1)
        local _, y = coroutine.resume(co, 10)
        log[#log + 1] = x .. "," .. y .. "," .. coroutine.status(co)
        local gen = coroutine.wrap(function()
            for i = 1, 3 do sleep(0.001) coroutine.yield(i) end
        end)
        log[#log + 1] = gen() + gen() + gen()
        return table.concat(log, " ")
    "#,
    )
    .await
    .unwrap();
    assert_eq!(out, "plain in pcall 2,20,dead 6");
    assert!(started.elapsed() >= Duration::from_millis(90));
}

#[tokio::test]
async fn sleep_arguments_and_non_yieldable_places() {
    let mut state = state_with(&Kv::memory());
    for (code, want) in [
        (
            "sleep(-1)",
            "t.lua:1: bad argument #1 to 'sleep' (seconds must be a non-negative number)",
        ),
        (
            "sleep(0/0)",
            "t.lua:1: bad argument #1 to 'sleep' (seconds must be a non-negative number)",
        ),
        (
            "sleep('x')",
            "t.lua:1: bad argument #1 to 'sleep' (number expected, got string)",
        ),
        (
            "sleep()",
            "t.lua:1: bad argument #1 to 'sleep' (number expected, got no value)",
        ),
        (
            "table.sort({3, 2, 1}, function(a, b) sleep(0) return a < b end)",
            "attempt to yield across a C-call boundary",
        ),
    ] {
        let err = run::<()>(&mut state, code).await.unwrap_err();
        assert!(err.message().ends_with(want), "{code}: {}", err.message());
    }
    // A numeric string is a number, as everywhere in Lua.
    run::<()>(&mut state, "sleep('0.001')").await.unwrap();
    // Outside an asynchronous run, waiting is an error, not a block.
    let err = state.exec::<()>("t.lua", "sleep(1)").unwrap_err();
    assert_eq!(err.kind(), &lunar::ErrorKind::Usage);
}

#[tokio::test]
async fn many_scripts_sleep_on_one_thread() {
    // A current-thread runtime: 200 scripts sleeping 100 ms at once take
    // about 100 ms, so none of them blocks the thread.
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let kv = Kv::memory();
    for i in 0..200i64 {
        let kv = kv.clone();
        set.spawn(async move {
            let mut state = state_with(&kv);
            state.set_global("i", i).unwrap();
            run::<i64>(&mut state, "sleep(0.1) kv.incr('done') return i")
                .await
                .unwrap()
        });
    }
    let mut sum = 0;
    while let Some(r) = set.join_next().await {
        sum += r.unwrap();
    }
    assert_eq!(sum, (0..200).sum::<i64>());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(kv.get(b"done").await.unwrap().as_deref(), Some(&b"200"[..]));
}

/// The whole of `kv` from Lua, on a store whose keys are fresh.
async fn check_kv_from_lua(kv: &Kv) {
    let mut state = state_with(kv);
    let out: String = run(
        &mut state,
        r#"
        assert(kv.get("missing") == nil)
        kv.set("s", "text")
        assert(kv.get("s") == "text")
        kv.set("n", 12)
        assert(kv.get("n") == "12" and math.type(kv.get("n")) == nil)
        kv.set("f", 1.5)
        assert(kv.get("f") == "1.5")
        kv.set(7, "number key")
        assert(kv.get("7") == "number key")
        assert(kv.incr("n") == 13 and kv.incr("n", 7) == 20 and kv.incr("n", -21) == -1)
        assert(math.type(kv.incr("c")) == "integer")
        assert(kv.del("s") == true and kv.del("s") == false)
        assert(kv.expire("nothing", 10) == false)
        assert(kv.expire("n", 10) == true)
        assert(kv.expire("n", 0) == true and kv.get("n") == nil)
        kv.set("t", "v", 0.3)
        kv.set("e", "v")
        assert(kv.expire("e", 0.3))
        assert(kv.get("t") == "v" and kv.get("e") == "v")
        sleep(0.6)
        assert(kv.get("t") == nil)
        assert(kv.get("e") == nil)
        -- Redis's errors, raised with the kv: prefix, catchable.
        kv.set("word", "abc")
        local ok, err = pcall(kv.incr, "word")
        assert(not ok and err == "kv: ERR value is not an integer or out of range", err)
        kv.set("max", math.maxinteger)
        ok, err = pcall(kv.incr, "max")
        assert(not ok and err == "kv: ERR increment or decrement would overflow", err)
        return "ok"
    "#,
    )
    .await
    .unwrap();
    assert_eq!(out, "ok");
    // The script's writes are in the host's store.
    assert_eq!(
        kv.get(b"7").await.unwrap().as_deref(),
        Some(&b"number key"[..])
    );
    assert_eq!(kv.get(b"c").await.unwrap().as_deref(), Some(&b"1"[..]));

    let err = run::<()>(&mut state, "kv.incr('word')").await.unwrap_err();
    assert_eq!(
        err.message(),
        "t.lua:1: kv: ERR value is not an integer or out of range"
    );
    for (code, want) in [
        (
            "kv.get()",
            "t.lua:1: bad argument #1 to 'get' (string expected, got no value)",
        ),
        (
            "kv.get({})",
            "t.lua:1: bad argument #1 to 'get' (string expected, got table)",
        ),
        (
            "kv.set('k')",
            "t.lua:1: bad argument #2 to 'set' (string expected, got no value)",
        ),
        (
            "kv.set('k', 'v', 0)",
            "t.lua:1: bad argument #3 to 'set' (ttl must be a positive number of seconds)",
        ),
        (
            "kv.incr('k', 1.5)",
            "t.lua:1: bad argument #2 to 'incr' (number has no integer representation)",
        ),
        (
            "kv.expire('k')",
            "t.lua:1: bad argument #2 to 'expire' (number expected, got no value)",
        ),
    ] {
        let err = run::<()>(&mut state, code).await.unwrap_err();
        assert_eq!(err.message(), want, "{code}");
    }
}

#[tokio::test]
async fn kv_from_lua_memory() {
    check_kv_from_lua(&Kv::memory()).await;
}

#[tokio::test]
async fn kv_from_lua_redis() {
    let Some(server) = host_common::start_redis() else {
        return;
    };
    let kv = Kv::redis(&format!("redis://127.0.0.1:{}/", server.port))
        .await
        .unwrap();
    check_kv_from_lua(&kv).await;
}

#[tokio::test]
async fn kv_backend_failure_is_a_lua_error() {
    // A store whose server went away: operations raise `kv: ...`.
    let Some(server) = host_common::start_redis() else {
        return;
    };
    let kv = Kv::redis(&format!("redis://127.0.0.1:{}/", server.port))
        .await
        .unwrap();
    drop(server);
    let mut state = state_with(&kv);
    let msg: String = run(
        &mut state,
        "local ok, e = pcall(kv.get, 'k') assert(not ok) return e",
    )
    .await
    .unwrap();
    assert!(msg.starts_with("kv: "), "{msg}");
}

#[tokio::test]
async fn a_long_sleep_is_pending_not_an_error() {
    let mut state = state_with(&Kv::memory());
    for code in ["sleep(1e300)", "sleep(math.huge)", "sleep(3600)"] {
        let p = lunar::Program::compile("t.lua", code).unwrap();
        let r = tokio::time::timeout(Duration::from_millis(20), state.run_async::<()>(&p)).await;
        assert!(r.is_err(), "{code} finished");
    }
    // The state is usable after a run was dropped while waiting.
    assert_eq!(
        run::<i64>(&mut state, "sleep(0) return 1").await.unwrap(),
        1
    );
}

#[tokio::test]
async fn json_in_an_asynchronous_run() {
    let mut state = state_with(&Kv::memory());
    let out: String = run(
        &mut state,
        r#"
        kv.set("doc", json.encode({name = "moon", sizes = {1, 2.5}, none = json.null}))
        sleep(0)
        local v = json.decode(kv.get("doc"))
        assert(v.name == "moon" and v.sizes[2] == 2.5 and v.none == json.null)
        return json.encode(v.sizes)
    "#,
    )
    .await
    .unwrap();
    assert_eq!(out, "[1,2.5]");
    // A handler's result, encoded by the host.
    let handler: lunar::Function = state
        .exec(
            "h.lua",
            "return function(req) sleep(0.001) return {path = req.path, n = #req.path} end",
        )
        .unwrap();
    let req = host_api::from_json(&mut state, br#"{"path": "/x/y"}"#).unwrap();
    let resp: lunar::Value = state.call_async(&handler, req).await.unwrap();
    let body = host_api::to_json(&mut state, &resp).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v, serde_json::json!({"path": "/x/y", "n": 4}));
}
