//! Writes the seed corpus of the `chunk` fuzz target: every Lua file given
//! on the command line that compiles is dumped, with and without debug
//! information, as `<out>/seed-<name>[-strip].luac`.
//!
//! `cargo +nightly run --example gen_chunk_corpus -- corpus/chunk FILE.lua...`

use std::path::Path;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .expect("usage: gen_chunk_corpus OUTDIR FILE.lua...");
    for file in args {
        let src = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = format!("@{file}");
        let p = match lunar_compile::compile_source(&name, &src) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("skipped: {e}");
                continue;
            }
        };
        let stem = Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (strip, suffix) in [(false, ""), (true, "-strip")] {
            let bin = lunar_compile::chunk::dump(&p, strip);
            let path = Path::new(&out).join(format!("seed-{stem}{suffix}.luac"));
            std::fs::write(&path, bin).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
