//! Fuzz target `vm_chunk`: damaged binary chunks that `undump` (and so
//! the verifier) accepts must run without crashing the VM. Starts from the
//! valid chunks of `mutate.rs`, edits them as `chunk_mutate` does, and
//! runs what loads on a fresh sandboxed state (see `vm_common.rs`). This
//! is what the verifier promises: a malicious chunk is an error, never a
//! crash. Run it under AddressSanitizer (the VM's `unsafe` code trusts
//! verified code).
//!
//! Input: byte 0 picks the program and `strip`; then groups of four bytes
//! `offset (u16 le), action, value` edit the chunk.

#![no_main]

#[path = "mutate.rs"]
mod mutate;
#[path = "vm_common.rs"]
mod vm_common;

use libfuzzer_sys::fuzz_target;
use lunar::Program;
use lunar_compile::chunk::undump;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let bin = mutate::mutated_chunk(pick, edits);
    if let Ok(p) = undump(&bin, b"=fuzz") {
        vm_common::run_sandboxed(&Program::from_proto(p));
    }
});
