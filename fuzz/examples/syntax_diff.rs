//! Differential check of syntax and compile errors against luac: for every
//! file given, prints `ok` or the error `lunar_compile::compile_source`
//! reports, named as luac names a file, one line per file:
//!
//! `examples/syntax_diff.sh` runs it and `luac5.4 -p` on the same files
//! and diffs the two.

use std::io::Write;

fn main() {
    let mut out = std::io::stdout().lock();
    for file in std::env::args().skip(1) {
        let src = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let line = match lunar_compile::compile_source(&format!("@{file}"), &src) {
            Ok(_) => format!("{file}: ok").into_bytes(),
            // The message as bytes: it may quote any source bytes.
            Err(e) => e
                .to_bytes()
                .split(|&c| c == b'\n')
                .next()
                .unwrap_or(b"")
                .to_vec(),
        };
        out.write_all(&line).unwrap();
        out.write_all(b"\n").unwrap();
    }
}
