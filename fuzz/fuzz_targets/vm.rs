//! Fuzz target `vm`: compiles arbitrary source and runs it on a fresh
//! sandboxed state (see `vm_common.rs`: standard library without I/O, an
//! instruction limit). Lua errors are expected; a panic, a native stack
//! overflow, a hang or (under AddressSanitizer) a memory error is a bug.

#![no_main]

#[path = "vm_common.rs"]
mod vm_common;

use libfuzzer_sys::fuzz_target;
use lunar::Program;

fuzz_target!(|data: &[u8]| {
    if let Ok(program) = Program::compile("=fuzz", data) {
        vm_common::run_sandboxed(&program);
    }
});
