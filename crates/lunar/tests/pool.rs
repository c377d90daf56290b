//! `Pool`: states are reset between uses and isolated between threads.

use lunar::{Limits, Pool, Program, State, StdLib};
use std::collections::HashSet;

#[test]
fn states_are_reset_between_uses() {
    let pool = Pool::default();
    pool.with(|s| {
        s.exec::<()>(
            "t.lua",
            "leak = 'x'; string.upper = nil; package.loaded.m = {}",
        )
        .unwrap()
    });
    let (leak, upper, m): (Option<String>, bool, bool) = pool.with(|s| {
        s.exec(
            "t.lua",
            "return leak, string.upper ~= nil, package.loaded.m ~= nil",
        )
        .unwrap()
    });
    assert_eq!(leak, None);
    assert!(upper, "library tables are fresh");
    assert!(!m);
    // Through the guard too.
    {
        let mut s = pool.get();
        s.set_global("g", 1).unwrap();
    }
    assert_eq!(pool.get().get_global::<Option<i64>>("g").unwrap(), None);
}

#[test]
fn the_builder_configures_every_state() {
    let builder = State::builder()
        .libs(StdLib::SAFE)
        .module("greet", "return function(n) return 'hi ' .. n end")
        .limits(Limits {
            instructions: Some(100_000),
            ..Default::default()
        });
    let pool = Pool::new(builder);
    for _ in 0..2 {
        let (s, io): (String, bool) = pool
            .with(|s| s.exec("t.lua", "return require('greet')('x'), io ~= nil"))
            .unwrap();
        assert_eq!((s.as_str(), io), ("hi x", false));
        let err = pool
            .with(|s| s.exec::<()>("spin.lua", "while true do end"))
            .unwrap_err();
        assert_eq!(err.limit(), Some(lunar::Limit::Instructions));
    }
}

#[test]
fn threads_run_one_program_in_isolation() {
    let pool = Pool::default();
    let program = Program::compile(
        "job.lua",
        r#"
        local worker, job = ...
        assert(seen == nil, "a global survived a reset")
        seen = job
        local acc = 0
        for i = 1, 1000 do acc = acc + i * job end
        return worker .. ":" .. job .. ":" .. acc
        "#,
    )
    .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let (pool, program) = (pool.clone(), program.clone());
            std::thread::spawn(move || {
                let mut out = Vec::new();
                let mut ids = HashSet::new();
                for job in 1..=25i64 {
                    let (r, id): (String, u64) = pool.with(|s| {
                        let r = s.run_with(&program, (w, job)).unwrap();
                        (r, s.vm().id())
                    });
                    out.push(r);
                    ids.insert(id);
                }
                (out, ids)
            })
        })
        .collect();
    let mut all_ids = HashSet::new();
    for (w, h) in handles.into_iter().enumerate() {
        let (out, ids) = h.join().unwrap();
        for (job, r) in (1..=25i64).zip(&out) {
            assert_eq!(*r, format!("{w}:{job}:{}", 500_500 * job));
        }
        // Every use saw a fresh VM, and no two threads shared one.
        assert_eq!(ids.len(), 25);
        assert!(ids.is_disjoint(&all_ids));
        all_ids.extend(ids);
    }
}

#[test]
fn a_panic_inside_with_does_not_poison_the_pool() {
    let pool = Pool::default();
    let p = pool.clone();
    let r = std::thread::spawn(move || {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            p.with(|s| {
                s.set_global("x", 1).unwrap();
                panic!("boom");
            })
        }));
        assert!(caught.is_err());
        p.with(|s| s.get_global::<Option<i64>>("x").unwrap())
    })
    .join()
    .unwrap();
    assert_eq!(r, None);
}

#[test]
fn pool_is_send_sync_clone() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Pool>();
}
