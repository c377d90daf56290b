//! Asynchronous hosts: Rust `async fn`s called from Lua suspend the
//! script, not the thread; coroutines and pcall work across the waits.
#![cfg(feature = "async")]

use lunar::{Error, ErrorKind, Limit, Limits, Program, State};
use std::time::{Duration, Instant};

fn program(src: &str) -> Program {
    Program::compile("t.lua", src).unwrap()
}

/// A state with `sleep(ms)` and `fetch(key)` (which fails for "bad").
fn state() -> State {
    let mut st = State::new();
    st.register_async("sleep", |ms: u64| async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        Ok(ms)
    })
    .unwrap();
    st.register_async("fetch", |key: String| async move {
        tokio::task::yield_now().await;
        if key == "bad" {
            Err(Error::external(std::io::Error::other("no such key")))
        } else {
            Ok((format!("value of {key}"), key.len()))
        }
    })
    .unwrap();
    st
}

#[tokio::test]
async fn an_async_function_suspends_the_script_and_returns_its_results() {
    let mut st = state();
    let p = program("local v, n = fetch('abc') local s = sleep(5) return v, n, s");
    let (v, n, s): (String, i64, i64) = st.run_async(&p).await.unwrap();
    assert_eq!((v.as_str(), n, s), ("value of abc", 3, 5));
}

#[tokio::test]
async fn pcall_catches_an_async_error_and_the_host_gets_its_cause() {
    let mut st = state();
    let p = program(
        "local ok, e = pcall(fetch, 'bad') local ok2, v = pcall(fetch, 'x') return ok, tostring(e), ok2, v",
    );
    let r: (bool, String, bool, String) = st.run_async(&p).await.unwrap();
    assert_eq!(r, (false, "no such key".into(), true, "value of x".into()));
    let e = st
        .run_async::<()>(&program("fetch('bad')"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::External);
    assert!(
        e.cause()
            .unwrap()
            .downcast_ref::<std::io::Error>()
            .is_some()
    );
    // A Lua error after a wait has its traceback.
    let e = st
        .run_async::<()>(&program("sleep(1)\nlocal t = nil\nreturn t.x"))
        .await
        .unwrap_err();
    assert_eq!(
        e.message(),
        "t.lua:3: attempt to index a nil value (local 't')"
    );
    assert_eq!(e.traceback()[0].line, Some(3));
}

#[tokio::test]
async fn coroutines_pass_waits_on_to_the_host() {
    let mut st = state();
    let p = program(
        r#"
        local log = {}
        local co = coroutine.create(function(a)
            log[#log + 1] = 'start ' .. a
            local v = fetch('k1')             -- waits inside the coroutine
            local b = coroutine.yield(v)      -- an ordinary yield to its resumer
            log[#log + 1] = 'got ' .. b
            sleep(1)
            return 'done'
        end)
        local ok, v = coroutine.resume(co, 'A')
        log[#log + 1] = tostring(ok) .. ' ' .. v
        local ok2, d = coroutine.resume(co, 'B')
        log[#log + 1] = tostring(ok2) .. ' ' .. d
        -- wrap, two levels deep, and a generic for over a waiting iterator
        local gen = coroutine.wrap(function()
            local inner = coroutine.wrap(function()
                for i = 1, 3 do coroutine.yield(fetch('i' .. i)) end
            end)
            for _ = 1, 3 do coroutine.yield((inner())) end
        end)
        for _ = 1, 3 do log[#log + 1] = gen() end
        return table.concat(log, '; ')
    "#,
    );
    let s: String = st.run_async(&p).await.unwrap();
    assert_eq!(
        s,
        "start A; true value of k1; got B; true done; value of i1; value of i2; value of i3"
    );
}

#[tokio::test]
async fn an_async_function_in_a_synchronous_run_is_an_error() {
    let mut st = state();
    let e = st.exec::<()>("t.lua", "fetch('x')").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Usage);
    assert!(
        e.message().contains("outside an asynchronous run"),
        "{}",
        e.message()
    );
    // Where yields are not allowed, waiting is not either.
    let e = st
        .run_async::<()>(&program(
            "table.sort({3, 2, 1}, function(a, b) sleep(1) return a < b end)",
        ))
        .await
        .unwrap_err();
    assert!(
        e.message()
            .contains("attempt to yield across a C-call boundary"),
        "{}",
        e.message()
    );
    // A plain yield from the main function has no resumer.
    let e = st
        .run_async::<()>(&program("coroutine.yield(1)"))
        .await
        .unwrap_err();
    assert!(
        e.message()
            .contains("attempt to yield from outside a coroutine"),
        "{}",
        e.message()
    );
    // And the state goes on.
    let n: i64 = st.run_async(&program("return 1 + sleep(1)")).await.unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn limits_hold_across_waits() {
    let mut st = state();
    st.set_limits(Limits {
        instructions: Some(100_000),
        ..Default::default()
    });
    // Each half alone fits the budget; the run as a whole does not.
    let p = program("for i = 1, 60000 do end sleep(1) for i = 1, 60000 do end");
    let e = st.run_async::<()>(&p).await.unwrap_err();
    assert_eq!(e.limit(), Some(Limit::Instructions));
    st.set_limits(Limits {
        deadline: Some(Instant::now() + Duration::from_millis(30)),
        ..Default::default()
    });
    let e = st
        .run_async::<()>(&program("while true do sleep(5) end"))
        .await
        .unwrap_err();
    assert_eq!(e.limit(), Some(Limit::Deadline));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_waiting_scripts_share_two_threads() {
    let p = program(
        "local id = ... local total = 0 for i = 1, 5 do total = total + sleep(20) end return id, total",
    );
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..2000)
        .map(|id| {
            let p = p.clone();
            tokio::spawn(async move {
                let mut st = state();
                st.run_async_with::<_, (i64, i64)>(&p, id).await.unwrap()
            })
        })
        .collect();
    for (id, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap(), (id as i64, 100));
    }
    // 2000 scripts each waiting 100 ms in all: far less than 2000 x 100 ms.
    assert!(t0.elapsed() < Duration::from_secs(60));
}
