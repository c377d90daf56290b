//! Fuzz target `compiler`: parses and compiles arbitrary bytes. Compiling
//! must not panic; a compiled chunk must pass the verifier (the compiler
//! only makes code the VM may run), disassemble, and survive a binary
//! chunk round trip: dump, undump, dump again gives the same bytes, with
//! and without debug information.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use lunar_compile::{CompileOptions, compile_with_options};

fuzz_target!(|data: &[u8]| {
    let Ok(chunk) = lunar_syntax::parse("=fuzz", data) else {
        return;
    };
    // Odd-length inputs take luac 5.4.4's code generation quirks.
    let opts = CompileOptions::luac544(data.len() % 2 == 1);
    let Ok(p) = compile_with_options(&chunk, opts) else {
        return;
    };
    common::check_proto(&p);
});
