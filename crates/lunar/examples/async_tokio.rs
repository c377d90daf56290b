//! Async with tokio: many scripts wait on Rust futures at once, on a few
//! threads. Each script calls `lookup(key)`, an `async fn` that stands for
//! a database or HTTP call; while it waits the script is suspended and its
//! thread runs other scripts.
//!
//! Run: `cargo run -p lunar --example async_tokio`

use lunar::{Program, State};
use std::time::{Duration, Instant};

/// A stand-in for a slow service: answers after 50 ms.
async fn lookup(key: String) -> lunar::Result<String> {
    tokio::time::sleep(Duration::from_millis(50)).await;
    Ok(format!("<{key}>"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Compiled once, shared by every task.
    let program = Program::compile(
        "handler.lua",
        r#"
        local id = ...
        -- Two sequential waits, one inside a coroutine, one under pcall.
        local co = coroutine.wrap(function() return lookup('user' .. id) end)
        local user = co()
        local ok, item = pcall(lookup, 'item' .. id)
        return user .. ' ' .. item
        "#,
    )
    .expect("the handler compiles");

    let started = Instant::now();
    let tasks: Vec<_> = (0..1000)
        .map(|id| {
            let program = program.clone();
            tokio::spawn(async move {
                let mut state = State::new();
                state.register_async("lookup", lookup).expect("register");
                state.run_async_with::<_, String>(&program, id).await
            })
        })
        .collect();
    let mut last = String::new();
    for t in tasks {
        last = t.await.expect("task").expect("script");
    }
    println!("last answer: {last}");
    println!(
        "1000 scripts, each waiting 2 x 50 ms, took {:?} on 2 threads",
        started.elapsed()
    );
}
