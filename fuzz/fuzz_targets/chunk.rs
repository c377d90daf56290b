//! Fuzz target `chunk`: `lunar_compile::chunk::undump` on arbitrary bytes
//! (the data `load` accepts in binary mode). It must not panic or run away
//! with memory; what it accepts must pass the verifier, disassemble, and
//! dump back to a chunk that loads again to the same bytes.
//!
//! Seed it with real chunks (corpus/chunk/seed-*, made by
//! `cargo run --example gen_chunk_corpus`) so that mutations reach past
//! the header; see also the `chunk_mutate` target.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use lunar_compile::chunk::undump;

fuzz_target!(|data: &[u8]| {
    match undump(data, b"=fuzz") {
        Ok(p) => common::check_proto(&p),
        Err(e) => {
            let _ = e.message();
        }
    }
});
