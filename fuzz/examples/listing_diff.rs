//! Differential check of the compiler against luac 5.4.4: prints the
//! `luac -l -l` style listing of every file given that compiles, made in
//! luac 5.4.4 mode (`CompileOptions::luac544`), or `error`.
//! `examples/listing_diff.sh` runs it and `luac5.4 -l -l -p` on the same
//! files and diffs the two (function addresses blanked out).

use std::io::Write;

use lunar_compile::{CompileOptions, compile_with_options, disasm::disassemble};

fn main() {
    let mut out = std::io::stdout().lock();
    for file in std::env::args().skip(1) {
        let src = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let listing = lunar_syntax::parse(&format!("@{file}"), &src)
            .ok()
            .and_then(|chunk| compile_with_options(&chunk, CompileOptions::luac544(true)).ok())
            .map(|p| disassemble(&p, true));
        match listing {
            Some(l) => write!(out, "== {file}\n{l}").unwrap(),
            None => writeln!(out, "== {file}\nerror").unwrap(),
        }
    }
}
