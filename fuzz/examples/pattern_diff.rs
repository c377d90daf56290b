//! Differential check of the pattern matcher against another Lua: for
//! every `pattern` corpus file given, prints what `string.find(subject,
//! pattern, init)` returns (as the `pattern` target splits the input), one
//! line per file, in the format `pattern_diff.lua` prints with lua5.4:
//!
//! ```sh
//! cargo +nightly run --features stdlib --example pattern_diff -- corpus/pattern/* > lunar.txt
//! lua5.4 examples/pattern_diff.lua corpus/pattern/* > lua.txt
//! diff lunar.txt lua.txt
//! ```
//!
//! Inputs that hit Lunar's smaller fuzzing work budget print `skip`.

use lunar_stdlib::string::pattern::{
    CaptureValue, Matcher, PatternError, find_bytes, has_specials,
};

fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02x}")).collect()
}

fn main() {
    for file in std::env::args().skip(1) {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let line = if data.len() < 3 {
            "short".to_string()
        } else {
            let (plen, rlen, init) = (data[0] as usize, data[1] as usize, data[2] as usize);
            let rest = &data[3..];
            let (pat, rest) = rest.split_at(plen.min(rest.len()));
            let (_, src) = rest.split_at(rlen.min(rest.len()));
            let init = init.min(src.len());
            find(src, pat, init)
        };
        println!("{} {line}", file.rsplit('/').next().unwrap());
    }
}

fn find(src: &[u8], pat: &[u8], init: usize) -> String {
    if !has_specials(pat) {
        return match find_bytes(&src[init..], pat) {
            Some(k) => format!("{} {}", init + k + 1, init + k + pat.len()),
            None => "nil".to_string(),
        };
    }
    let (anchor, body) = match pat.strip_prefix(b"^") {
        Some(b) => (true, b),
        None => (false, pat),
    };
    let mut m = Matcher::new(src, body);
    m.set_budget(1 << 24);
    match m.find(init, anchor) {
        Err(PatternError::TooComplex) => "skip".to_string(),
        Err(e) => format!("error {e}"),
        Ok(None) => "nil".to_string(),
        Ok(Some((s, e))) => {
            let mut out = format!("{} {}", s + 1, e);
            for i in 0..m.capture_count(false) {
                match m.capture(i, s, e) {
                    Ok(CaptureValue::Text(t)) => out += &format!(" s:{}", hex(t)),
                    Ok(CaptureValue::Position(p)) => out += &format!(" p:{p}"),
                    Err(e) => return format!("error {e}"),
                }
            }
            out
        }
    }
}
