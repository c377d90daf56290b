//! Debugging aid for `chunk` crashes: loads a binary chunk file, then
//! re-dumps and reloads it, printing the disassembly of each step and
//! where the two dumps first differ.
//!
//! `cargo +nightly run --example chunk_repro -- FILE.luac`

use lunar_compile::chunk::{dump, undump};
use lunar_compile::disasm::disassemble;

fn main() {
    let file = std::env::args().nth(1).expect("usage: chunk_repro FILE");
    let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let p = match undump(&data, b"=repro") {
        Ok(p) => p,
        Err(e) => {
            println!("undump fails: {e} {:?}", e.detail);
            return;
        }
    };
    println!("== loaded\n{}", disassemble(&p, true));
    let again = dump(&p, false);
    let q = match undump(&again, b"=repro") {
        Ok(q) => q,
        Err(e) => {
            println!("reloading the re-dump fails: {e} {:?}", e.detail);
            return;
        }
    };
    let third = dump(&q, false);
    if third == again {
        println!("round trip ok");
        return;
    }
    println!("== reloaded\n{}", disassemble(&q, true));
    let at = again
        .iter()
        .zip(&third)
        .position(|(a, b)| a != b)
        .unwrap_or(again.len().min(third.len()));
    println!(
        "dumps differ at byte {at} (lengths {} and {})",
        again.len(),
        third.len()
    );
    println!(
        "{:?}\n{:?}",
        &again[at.saturating_sub(8)..(at + 16).min(again.len())],
        &third[at.saturating_sub(8)..(at + 16).min(third.len())]
    );
    println!("proto equal: {}", *p == *q);
}
