//! Fuzz target `parser`: `lunar_syntax::parse` (and `parse_all`, which
//! recovers after errors) on arbitrary bytes. Neither may panic or
//! overflow the native stack, and both must agree on success and on the
//! first error.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_syntax::{Mode, parse, parse_all};

fuzz_target!(|data: &[u8]| {
    let first = parse("=fuzz", data);
    let all = parse_all(b"=fuzz", data, Mode::FILE);
    match (&first, &all) {
        (Ok(_), Ok(_)) => {}
        (Err(e), Err(errs)) => {
            assert!(!errs.is_empty(), "parse_all failed with no error");
            assert!(errs.len() <= lunar_syntax::MAX_ERRORS, "too many errors");
            assert_eq!(e.to_string(), errs[0].to_string(), "first error differs");
            for e in errs {
                let _ = e.to_string();
            }
        }
        _ => panic!(
            "parse and parse_all disagree: {:?} vs {:?}",
            first.as_ref().err().map(ToString::to_string),
            all.as_ref().err().map(|v| v.len())
        ),
    }
    if let Ok(chunk) = first {
        // The tree printer walks every node.
        let _ = lunar_syntax::dump(&chunk);
    }
});
