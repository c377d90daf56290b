//! A pool on threads: one compiled program, four worker threads, each
//! running it on its own state, reset between requests so that no
//! request sees what another left behind.
//!
//! Run with `cargo run -p lunar --example pool_threads`.

use lunar::{Limits, Pool, Program, State, StdLib};
use std::time::Instant;

const SCRIPT: &str = r#"
local worker, n = ...
-- A global set here is gone by the next request (the state is reset).
assert(counter == nil, "state leaked between requests")
counter = 0
for i = 1, n do counter = counter + i % 7 end
return ("worker %d: sum %d"):format(worker, counter)
"#;

fn main() -> lunar::Result<()> {
    let program = Program::compile("job.lua", SCRIPT)?;
    let pool = Pool::new(State::builder().libs(StdLib::SAFE).limits(Limits {
        instructions: Some(10_000_000),
        ..Default::default()
    }));

    let start = Instant::now();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            // Clones share the pool; each thread gets its own state.
            let (pool, program) = (pool.clone(), program.clone());
            std::thread::spawn(move || -> lunar::Result<(String, usize)> {
                let mut last = String::new();
                let requests = 200;
                for _ in 0..requests {
                    last = pool.run_with(&program, (w, 1000))?;
                }
                Ok((last, requests))
            })
        })
        .collect();

    let mut total = 0;
    for w in workers {
        let (last, n) = w.join().expect("worker panicked")?;
        println!("{last} (after {n} requests)");
        total += n;
    }
    println!("{total} requests on 4 threads in {:.1?}", start.elapsed());
    Ok(())
}
