//! Fuzz target `pattern`: the Lua pattern matcher
//! (`lunar_stdlib::string::pattern`) and gsub's replacement expansion on
//! arbitrary patterns and subjects, without a VM. Input: byte 0 is the
//! pattern's length, byte 1 the replacement's, byte 2 the start position;
//! then the pattern, the replacement and the subject.
//!
//! Nothing may panic or recurse without bound (the matcher has a depth
//! limit and a work budget), and:
//!
//! - a match lies inside the subject, starts at or after `init` (exactly
//!   there when anchored) and its captures lie inside the subject;
//! - a pattern without special characters (nor `)`) matches exactly
//!   where a plain search finds it;
//! - a gmatch-style scan over the whole subject ends.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_stdlib::string::matching::expand_replacement;
use lunar_stdlib::string::pattern::{CaptureValue, Matcher, find_bytes, has_specials};

/// A smaller work budget than the library's, so that pathological
/// patterns fail fast ("pattern too complex") and the fuzzer stays quick.
const BUDGET: i64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (plen, rlen, init) = (data[0] as usize, data[1] as usize, data[2] as usize);
    let rest = &data[3..];
    let plen = plen.min(rest.len());
    let (pat, rest) = rest.split_at(plen);
    let rlen = rlen.min(rest.len());
    let (repl, src) = rest.split_at(rlen);
    let init = init.min(src.len());

    let (anchor, body) = match pat.strip_prefix(b"^") {
        Some(b) => (true, b),
        None => (false, pat),
    };
    let mut m = Matcher::new(src, body);
    m.set_budget(BUDGET);
    let found = m.find(init, anchor);
    if let Ok(Some((s, e))) = found {
        assert!(
            init <= s && s <= e && e <= src.len(),
            "match {s}..{e} from {init} in {}",
            src.len()
        );
        if anchor {
            assert_eq!(s, init, "anchored match moved");
        }
        let n = m.capture_count(true);
        assert!((1..=32).contains(&n));
        for i in 0..n {
            match m.capture(i, s, e) {
                Ok(CaptureValue::Text(t)) => {
                    let off = t.as_ptr() as usize - src.as_ptr() as usize;
                    assert!(t.is_empty() || off + t.len() <= src.len());
                }
                Ok(CaptureValue::Position(p)) => {
                    assert!(p >= 1 && p <= src.len() + 1, "position {p}")
                }
                Err(_) => {}
            }
        }
        let mut out = Vec::new();
        let _ = expand_replacement(&mut out, &m, repl, s, e);
    }
    // string.find takes this shortcut itself; `)` is no special for it but
    // closes a capture for the matcher ("invalid pattern capture").
    if !has_specials(pat) && !pat.contains(&b')') {
        let plain = find_bytes(&src[init..], pat).map(|k| (init + k, init + k + pat.len()));
        assert_eq!(
            found,
            Ok(plain),
            "pattern without specials differs from plain find"
        );
    }

    // A gmatch/gsub-style walk over the subject: one attempt per position,
    // skipping empty matches at the end of the last one.
    let mut m = Matcher::new(src, body);
    m.set_budget(BUDGET);
    let mut at = 0;
    let mut last = None;
    while at <= src.len() {
        m.prepare();
        match m.match_at(at) {
            Err(_) => break,
            Ok(Some(e)) if Some(e) != last => {
                assert!(e >= at && e <= src.len());
                last = Some(e);
                if e > at {
                    at = e;
                    continue;
                }
            }
            Ok(_) => {}
        }
        if anchor {
            break;
        }
        at += 1;
    }
});
