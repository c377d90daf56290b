//! Fuzz target `chunk_mutate`: starts from a valid binary chunk (one of the
//! small programs of `mutate.rs`, compiled and dumped, with or without debug
//! information) and damages it with edits taken from the input, so that
//! nearly every run gets past the header and into the function, constant,
//! code and debug sections. `undump` must not panic on the result, and
//! what it accepts must pass the verifier and round-trip.
//!
//! Input: byte 0 picks the program and `strip`; then groups of four bytes
//! `offset (u16 le), action, value` edit the chunk.

#![no_main]

#[path = "common.rs"]
mod common;
#[path = "mutate.rs"]
mod mutate;

use libfuzzer_sys::fuzz_target;
use lunar_compile::chunk::undump;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let bin = mutate::mutated_chunk(pick, edits);
    match undump(&bin, b"=fuzz") {
        Ok(p) => common::check_proto(&p),
        Err(e) => {
            let _ = e.message();
        }
    }
});
