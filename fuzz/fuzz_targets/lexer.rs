//! Fuzz target `lexer`: runs `lunar_syntax::Scanner` over arbitrary bytes
//! until the end of the chunk or the first lexical error. It must not
//! panic, must terminate (every token but the last consumes bytes), and
//! the tokens must describe the source consistently.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_syntax::{Kind, Number, Scanner, parse_numeral};

fuzz_target!(|data: &[u8]| {
    let mut s = Scanner::new(b"=fuzz", data);
    // Half the inputs also take the script-file path (BOM and `#` line).
    if data.first().is_some_and(|&b| b & 1 == 1) {
        s.skip_first_line();
    }
    let mut prev_end = 0;
    // Each token but Eof takes at least one byte, so more tokens than
    // bytes means the scanner is stuck.
    for _ in 0..=data.len() + 1 {
        let tok = s.scan();
        match tok.kind {
            Kind::Eof => {
                assert!(s.err().is_none(), "error with an Eof token");
                return;
            }
            Kind::Illegal => {
                assert!(s.err().is_some(), "Illegal token without an error");
                // The message must format (it is shown to users).
                let _ = s.err().unwrap().to_string();
                return;
            }
            kind => {
                assert!(s.err().is_none(), "error with a {kind:?} token");
                assert!(
                    prev_end <= tok.off && tok.off < tok.end && tok.end <= data.len(),
                    "bad span {}..{} after {prev_end} (len {}) for {kind:?}",
                    tok.off,
                    tok.end,
                    data.len()
                );
                let text = &data[tok.off..tok.end];
                match kind {
                    Kind::Name => assert_eq!(&*tok.str, text, "name text"),
                    Kind::Int => assert_eq!(parse_numeral(text), Some(Number::Int(tok.int))),
                    Kind::Float => match parse_numeral(text) {
                        Some(Number::Float(f)) => {
                            assert!(
                                f.to_bits() == tok.float.to_bits(),
                                "float value of {text:?}"
                            )
                        }
                        other => panic!("float token {text:?} reparses as {other:?}"),
                    },
                    _ => {}
                }
                prev_end = tok.end;
            }
        }
    }
    panic!("scanner made no progress: more tokens than bytes");
});
