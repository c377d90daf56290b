//! The key-value store's two backends against the same checks: the
//! in-process one, and Redis through a `redis-server` this test starts
//! (skipped when none is installed, unless `LUNAR_REQUIRE_REDIS=1`).

mod host_common;

use host_common::start_redis;
use lunar_server::kv::Kv;
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// Every operation's behaviour, on keys under `prefix`.
async fn check_store(kv: &Kv, prefix: &str) {
    let k = |name: &str| format!("{prefix}:{name}").into_bytes();

    // get / set / del
    assert_eq!(kv.get(&k("absent")).await.unwrap(), None);
    kv.set(&k("a"), b"one", None).await.unwrap();
    assert_eq!(kv.get(&k("a")).await.unwrap().as_deref(), Some(&b"one"[..]));
    kv.set(&k("a"), b"\0bin\xff", None).await.unwrap();
    assert_eq!(
        kv.get(&k("a")).await.unwrap().as_deref(),
        Some(&b"\0bin\xff"[..])
    );
    assert!(kv.del(&k("a")).await.unwrap());
    assert!(!kv.del(&k("a")).await.unwrap());
    assert_eq!(kv.get(&k("a")).await.unwrap(), None);
    kv.set(b"", b"empty key", None).await.unwrap();
    assert_eq!(
        kv.get(b"").await.unwrap().as_deref(),
        Some(&b"empty key"[..])
    );
    assert!(kv.del(b"").await.unwrap());

    // incr, INCRBY's semantics and errors
    assert_eq!(kv.incr(&k("n"), 1).await.unwrap(), 1);
    assert_eq!(kv.incr(&k("n"), 41).await.unwrap(), 42);
    assert_eq!(kv.incr(&k("n"), -50).await.unwrap(), -8);
    assert_eq!(kv.get(&k("n")).await.unwrap().as_deref(), Some(&b"-8"[..]));
    kv.set(&k("n"), b"100", None).await.unwrap();
    assert_eq!(kv.incr(&k("n"), 1).await.unwrap(), 101);
    for bad in [
        &b"abc"[..],
        b"1.5",
        b" 1",
        b"",
        b"01",
        b"99999999999999999999",
    ] {
        kv.set(&k("bad"), bad, None).await.unwrap();
        let e = kv.incr(&k("bad"), 1).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "ERR value is not an integer or out of range",
            "{bad:?}"
        );
        // The value is left as it was.
        assert_eq!(kv.get(&k("bad")).await.unwrap().as_deref(), Some(bad));
    }
    kv.set(&k("max"), i64::MAX.to_string().as_bytes(), None)
        .await
        .unwrap();
    let e = kv.incr(&k("max"), 1).await.unwrap_err();
    assert_eq!(e.to_string(), "ERR increment or decrement would overflow");
    assert_eq!(kv.incr(&k("max"), -1).await.unwrap(), i64::MAX - 1);

    // time to live
    let e = kv
        .set(&k("t0"), b"x", Some(Duration::ZERO))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "ERR invalid expire time in 'set' command");
    kv.set(&k("t"), b"x", Some(Duration::from_millis(400)))
        .await
        .unwrap();
    assert_eq!(kv.get(&k("t")).await.unwrap().as_deref(), Some(&b"x"[..]));
    // incr keeps it
    kv.set(&k("tn"), b"1", Some(Duration::from_millis(400)))
        .await
        .unwrap();
    assert_eq!(kv.incr(&k("tn"), 1).await.unwrap(), 2);
    // set without one clears it
    kv.set(&k("keep"), b"x", Some(Duration::from_millis(400)))
        .await
        .unwrap();
    kv.set(&k("keep"), b"y", None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(kv.get(&k("t")).await.unwrap(), None);
    assert_eq!(kv.get(&k("tn")).await.unwrap(), None);
    assert!(!kv.del(&k("t")).await.unwrap(), "an expired key is gone");
    assert_eq!(
        kv.get(&k("keep")).await.unwrap().as_deref(),
        Some(&b"y"[..])
    );

    // expire
    assert!(!kv.expire(&k("none"), Duration::from_secs(1)).await.unwrap());
    kv.set(&k("e"), b"x", None).await.unwrap();
    assert!(
        kv.expire(&k("e"), Duration::from_millis(400))
            .await
            .unwrap()
    );
    assert_eq!(kv.get(&k("e")).await.unwrap().as_deref(), Some(&b"x"[..]));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(kv.get(&k("e")).await.unwrap(), None);
    assert!(!kv.expire(&k("e"), Duration::from_secs(1)).await.unwrap());
    // a zero ttl deletes
    kv.set(&k("z"), b"x", None).await.unwrap();
    assert!(kv.expire(&k("z"), Duration::ZERO).await.unwrap());
    assert_eq!(kv.get(&k("z")).await.unwrap(), None);
    // a long one keeps it
    kv.set(&k("long"), b"x", None).await.unwrap();
    assert!(
        kv.expire(&k("long"), Duration::from_secs(3600))
            .await
            .unwrap()
    );
    assert_eq!(
        kv.get(&k("long")).await.unwrap().as_deref(),
        Some(&b"x"[..])
    );
}

/// Many tasks on a multi-threaded runtime at once: no update is lost.
async fn check_concurrent(kv: &Kv, prefix: &str, tasks: usize, each: usize) {
    let shared = format!("{prefix}:shared").into_bytes();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let kv = kv.clone();
        let shared = shared.clone();
        let own = format!("{prefix}:own:{t}").into_bytes();
        handles.push(tokio::spawn(async move {
            for i in 0..each {
                kv.incr(&shared, 1).await.unwrap();
                kv.set(&own, i.to_string().as_bytes(), None).await.unwrap();
                assert_eq!(
                    kv.get(&own).await.unwrap(),
                    Some(i.to_string().into_bytes())
                );
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let total = (tasks * each).to_string().into_bytes();
    assert_eq!(kv.get(&shared).await.unwrap(), Some(total));
    for t in 0..tasks {
        let own = format!("{prefix}:own:{t}").into_bytes();
        assert_eq!(
            kv.get(&own).await.unwrap(),
            Some((each - 1).to_string().into_bytes())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_backend() {
    let kv = Kv::memory();
    assert_eq!(kv.backend(), "memory");
    check_store(&kv, "m").await;
    check_concurrent(&kv, "m", 32, 500).await;
    // Clones share the store; another store is separate.
    let clone = kv.clone();
    clone.set(b"shared?", b"yes", None).await.unwrap();
    assert_eq!(
        kv.get(b"shared?").await.unwrap().as_deref(),
        Some(&b"yes"[..])
    );
    assert_eq!(Kv::memory().get(b"shared?").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_backend() {
    let Some(server) = start_redis() else { return };
    let url = format!("redis://127.0.0.1:{}/", server.port);
    let kv = Kv::redis(&url).await.unwrap();
    assert_eq!(kv.backend(), "redis");
    check_store(&kv, "r").await;
    check_concurrent(&kv, "r", 16, 100).await;

    // Two clients (two replicas) see each other's writes.
    let other = Kv::redis(&url).await.unwrap();
    kv.set(b"replica", b"from a", None).await.unwrap();
    assert_eq!(
        other.get(b"replica").await.unwrap().as_deref(),
        Some(&b"from a"[..])
    );
    assert_eq!(other.incr(b"hits", 5).await.unwrap(), 5);
    assert_eq!(kv.incr(b"hits", 1).await.unwrap(), 6);
    assert!(other.del(b"replica").await.unwrap());
    assert_eq!(kv.get(b"replica").await.unwrap(), None);
    assert!(
        kv.expire(b"hits", Duration::from_millis(100))
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(other.get(b"hits").await.unwrap(), None);
}

#[tokio::test]
async fn redis_unreachable_is_an_error() {
    // A port nothing listens on (bound, then freed).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let r = Kv::redis(&format!("redis://127.0.0.1:{port}/")).await;
    assert!(r.is_err());
    assert!(started.elapsed() < Duration::from_secs(30));
    let e = Kv::redis("not a url").await.err().unwrap();
    assert!(!e.to_string().is_empty());
}

#[test]
fn redis_store_outlives_the_runtime_that_made_it() {
    // As a server does: the store is made on one runtime, then used by
    // workers, each on its own current-thread runtime.
    let Some(server) = start_redis() else { return };
    let url = format!("redis://127.0.0.1:{}/", server.port);
    let rt = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let kv = rt().block_on(Kv::redis(&url)).unwrap();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let kv = kv.clone();
            std::thread::spawn(move || {
                rt().block_on(async {
                    for _ in 0..50 {
                        kv.incr(b"outlives", 1).await.unwrap();
                    }
                })
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let total = rt().block_on(kv.get(b"outlives")).unwrap();
    assert_eq!(total.as_deref(), Some(&b"200"[..]));
}
