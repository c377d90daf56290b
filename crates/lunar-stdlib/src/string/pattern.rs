//! The Lua pattern matcher (§6.4.1): a backtracking matcher over bytes, in
//! the C locale, with no dependency on the VM so that it can be tested and
//! fuzzed on its own. `string.find`, `match`, `gmatch` and `gsub`
//! (`matching.rs`) wrap it.
//!
//! The matcher recurses only where the pattern needs a choice point (a
//! capture, a repetition with `*`, `+`, `-` or `?`); a sequence of single
//! characters is matched in a loop. Its recursion depth is bounded by
//! [`MAX_MATCH_DEPTH`], as the reference bounds it by `MAXCCALLS`, so a
//! deep pattern fails with "pattern too complex" instead of exhausting the
//! native stack. Its total work is bounded too (the step budget): the
//! reference can take exponential time on pathological patterns, where
//! Lunar stops with the same "pattern too complex" error.

use std::fmt;

/// The most captures a pattern may hold (`LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;
/// Bound on the matcher's recursion (the reference's `MAXCCALLS`).
pub const MAX_MATCH_DEPTH: usize = 200;
/// Base work budget of one matching call, in steps.
pub const MATCH_STEPS_BASE: i64 = 1 << 26;
/// Work budget added per subject byte: ordinary patterns use a few steps
/// per byte.
pub const MATCH_STEPS_PER_BYTE: i64 = 256;

/// The escape byte of patterns and replacement strings.
pub const PATTERN_ESCAPE: u8 = b'%';

/// An error in a pattern (or in the use of its captures), with the
/// reference's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternError {
    /// "malformed pattern (ends with '%')"
    EndsWithEscape,
    /// "malformed pattern (missing ']')"
    MissingBracket,
    /// "malformed pattern (missing arguments to '%b')"
    MissingBalanceArgs,
    /// "missing '[' after '%f' in pattern"
    MissingFrontierSet,
    /// "invalid pattern capture"
    InvalidPatternCapture,
    /// "invalid capture index %N" (N as printed: the 1-based index, or the
    /// digit of a back reference).
    InvalidCaptureIndex(usize),
    /// "unfinished capture"
    UnfinishedCapture,
    /// "too many captures"
    TooManyCaptures,
    /// "pattern too complex" (recursion depth or work budget exhausted)
    TooComplex,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::EndsWithEscape => f.write_str("malformed pattern (ends with '%')"),
            PatternError::MissingBracket => f.write_str("malformed pattern (missing ']')"),
            PatternError::MissingBalanceArgs => {
                f.write_str("malformed pattern (missing arguments to '%b')")
            }
            PatternError::MissingFrontierSet => f.write_str("missing '[' after '%f' in pattern"),
            PatternError::InvalidPatternCapture => f.write_str("invalid pattern capture"),
            PatternError::InvalidCaptureIndex(n) => write!(f, "invalid capture index %{n}"),
            PatternError::UnfinishedCapture => f.write_str("unfinished capture"),
            PatternError::TooManyCaptures => f.write_str("too many captures"),
            PatternError::TooComplex => f.write_str("pattern too complex"),
        }
    }
}

impl std::error::Error for PatternError {}

/// The result of the matching functions: `Ok(Some(end))` for a match
/// ending at `end`, `Ok(None)` for no match.
type MatchResult = Result<Option<usize>, PatternError>;

/// The length of a capture, or what it is while not a plain text capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CapLen {
    /// Opened, not closed yet.
    Unfinished,
    /// A position capture `()`.
    Position,
    /// A closed text capture of this many bytes.
    Len(usize),
}

#[derive(Clone, Copy, Debug)]
struct Capture {
    init: usize,
    len: CapLen,
}

/// One capture of a match, as the library hands it to Lua.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureValue<'a> {
    /// Captured text (or the whole match).
    Text(&'a [u8]),
    /// A position capture: the 1-based position in the subject.
    Position(usize),
}

/// The state of matching one pattern against one subject.
pub struct Matcher<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    /// Number of captures opened so far.
    level: usize,
    /// Recursion levels left.
    depth: usize,
    /// Work left before "pattern too complex".
    steps: i64,
    /// The budget the matcher started with (to report the work done).
    budget: i64,
    caps: [Capture; MAX_CAPTURES],
}

/// Character class bits, for the C locale.
const CL_ALPHA: u16 = 1;
const CL_CNTRL: u16 = 1 << 1;
const CL_DIGIT: u16 = 1 << 2;
const CL_GRAPH: u16 = 1 << 3;
const CL_LOWER: u16 = 1 << 4;
const CL_PUNCT: u16 = 1 << 5;
const CL_SPACE: u16 = 1 << 6;
const CL_UPPER: u16 = 1 << 7;
const CL_XDIGIT: u16 = 1 << 8;
/// `%z`, deprecated but still accepted: the zero byte.
const CL_ZERO: u16 = 1 << 9;

const fn class_of(c: u8) -> u16 {
    let mut b = 0;
    if c.is_ascii_lowercase() {
        b |= CL_ALPHA | CL_LOWER;
    } else if c.is_ascii_uppercase() {
        b |= CL_ALPHA | CL_UPPER;
    } else if c.is_ascii_digit() {
        b |= CL_DIGIT;
    }
    if c < 32 || c == 127 {
        b |= CL_CNTRL;
    }
    if c > 32 && c < 127 {
        b |= CL_GRAPH;
        if b & (CL_ALPHA | CL_DIGIT) == 0 {
            b |= CL_PUNCT;
        }
    }
    if c == b' ' || (c >= b'\t' && c <= b'\r') {
        b |= CL_SPACE;
    }
    if c.is_ascii_hexdigit() {
        b |= CL_XDIGIT;
    }
    if c == 0 {
        b |= CL_ZERO;
    }
    b
}

/// The C-locale classes of every byte.
static CHAR_CLASS: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = class_of(c as u8);
        c += 1;
    }
    t
};

/// Whether `c` is a control character in the C locale (`iscntrl`).
pub fn is_cntrl(c: u8) -> bool {
    CHAR_CLASS[c as usize] & CL_CNTRL != 0
}

/// Whether `c` is a letter in the C locale (`isalpha`).
pub fn is_alpha(c: u8) -> bool {
    CHAR_CLASS[c as usize] & CL_ALPHA != 0
}

/// The bits of a class letter (lower case), 0 for a byte that is no class.
fn class_bits(cl: u8) -> u16 {
    match cl {
        b'a' => CL_ALPHA,
        b'c' => CL_CNTRL,
        b'd' => CL_DIGIT,
        b'g' => CL_GRAPH,
        b'l' => CL_LOWER,
        b'p' => CL_PUNCT,
        b's' => CL_SPACE,
        b'u' => CL_UPPER,
        b'w' => CL_ALPHA | CL_DIGIT,
        b'x' => CL_XDIGIT,
        b'z' => CL_ZERO,
        _ => 0,
    }
}

/// Whether `c` belongs to the class `%cl`; an upper-case class letter is
/// the complement, any other byte stands for itself.
pub fn match_class(c: u8, cl: u8) -> bool {
    let bits = class_bits(cl | 0x20);
    if bits == 0 {
        return cl == c;
    }
    let res = CHAR_CLASS[c as usize] & bits != 0;
    if cl.is_ascii_uppercase() { !res } else { res }
}

/// Whether a pattern has any magic byte; without any, `string.find` can
/// search for it as a plain string.
pub fn has_specials(p: &[u8]) -> bool {
    p.iter().any(|c| b"^$*+?.([%-".contains(c))
}

/// The byte every match of pattern `p` must start with, when `p` starts
/// (after any opening of captures) with a plain character that must occur
/// at least once. Searches use it to skip positions where the match is
/// bound to fail. They must still try their first position, whatever byte
/// is there: the reference reports errors in the leading captures (too
/// many) at the first attempt.
pub fn first_byte(p: &[u8]) -> Option<u8> {
    let mut i = 0;
    while i < p.len() && p[i] == b'(' {
        if i + 1 < p.len() && p[i + 1] == b')' {
            i += 2;
        } else {
            i += 1;
        }
    }
    if i >= p.len() || b"^$*+?.()[]%-".contains(&p[i]) {
        return None;
    }
    if i + 1 < p.len() && matches!(p[i + 1], b'*' | b'?' | b'-') {
        return None;
    }
    Some(p[i])
}

/// Finds `needle` in `hay` (a plain search), returning its start.
pub fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > hay.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&c| c == first) {
            None => return None,
            Some(k) => i += k,
        }
        if &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

impl<'a> Matcher<'a> {
    /// A matcher of pattern `pat` (without its leading `^`, which callers
    /// strip and pass as `anchor`) against subject `src`, with the default
    /// work budget for this subject.
    pub fn new(src: &'a [u8], pat: &'a [u8]) -> Matcher<'a> {
        let budget = MATCH_STEPS_BASE.saturating_add(
            MATCH_STEPS_PER_BYTE.saturating_mul(src.len().try_into().unwrap_or(i64::MAX)),
        );
        Matcher {
            src,
            pat,
            level: 0,
            depth: MAX_MATCH_DEPTH,
            steps: budget,
            budget,
            caps: [Capture {
                init: 0,
                len: CapLen::Unfinished,
            }; MAX_CAPTURES],
        }
    }

    /// Replaces the work budget (in steps) left to this matcher.
    pub fn set_budget(&mut self, steps: i64) {
        self.steps = steps;
        self.budget = steps;
    }

    /// The work done so far, in steps (a caller may charge it to a run's
    /// instruction budget).
    pub fn steps_used(&self) -> i64 {
        self.budget - self.steps
    }

    /// The subject.
    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    /// Resets the captures and the depth before a match attempt at a new
    /// position (the reference's `reprepstate`); the work budget carries
    /// on.
    pub fn prepare(&mut self) {
        self.level = 0;
        self.depth = MAX_MATCH_DEPTH;
    }

    /// Tries to match the pattern at positions `init`, `init+1`, ... of the
    /// subject (only at `init` when `anchor` is set). Returns the start and
    /// end of the first match.
    pub fn find(
        &mut self,
        init: usize,
        anchor: bool,
    ) -> Result<Option<(usize, usize)>, PatternError> {
        let first = if anchor { None } else { first_byte(self.pat) };
        let mut s = init;
        loop {
            if let Some(first) = first
                && s > init
            {
                // No match can start before the next occurrence of first.
                match self.src[s..].iter().position(|&c| c == first) {
                    None => return Ok(None),
                    Some(k) => s += k,
                }
            }
            self.prepare();
            if let Some(e) = self.match_at(s)? {
                return Ok(Some((s, e)));
            }
            if anchor || s >= self.src.len() {
                return Ok(None);
            }
            s += 1;
        }
    }

    /// Matches the whole pattern against the subject from `s` (one
    /// attempt, after `prepare`); returns the end of the match.
    pub fn match_at(&mut self, s: usize) -> MatchResult {
        self.do_match_rec(s, 0)
    }

    /// How many values a match yields: its captures, or the whole match
    /// when it has none and `whole_if_none` is set.
    pub fn capture_count(&self, whole_if_none: bool) -> usize {
        if self.level == 0 && whole_if_none {
            1
        } else {
            self.level
        }
    }

    /// Capture `i` (0-based) of a match of `src[s..e]`: its text or its
    /// position. Index 0 with no captures is the whole match.
    pub fn capture(&self, i: usize, s: usize, e: usize) -> Result<CaptureValue<'a>, PatternError> {
        if i >= self.level {
            if i != 0 {
                return Err(PatternError::InvalidCaptureIndex(i + 1));
            }
            return Ok(CaptureValue::Text(&self.src[s..e]));
        }
        let c = self.caps[i];
        match c.len {
            CapLen::Unfinished => Err(PatternError::UnfinishedCapture),
            CapLen::Position => Ok(CaptureValue::Position(c.init + 1)),
            CapLen::Len(l) => Ok(CaptureValue::Text(&self.src[c.init..c.init + l])),
        }
    }

    /// The index just after the single-character class that starts at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let pat = self.pat;
        let c = pat[p];
        p += 1;
        match c {
            PATTERN_ESCAPE => {
                if p >= pat.len() {
                    return Err(PatternError::EndsWithEscape);
                }
                Ok(p + 1)
            }
            b'[' => {
                if p < pat.len() && pat[p] == b'^' {
                    p += 1;
                }
                // Look for the closing ']'; the first byte may be one.
                loop {
                    if p >= pat.len() {
                        return Err(PatternError::MissingBracket);
                    }
                    let c = pat[p];
                    p += 1;
                    if c == PATTERN_ESCAPE && p < pat.len() {
                        p += 1; // skip the escaped byte (e.g. "%]")
                    }
                    if p < pat.len() && pat[p] == b']' {
                        return Ok(p + 1);
                    }
                }
            }
            _ => Ok(p),
        }
    }

    /// Whether `c` matches the set `pat[p..=ec]`, where `p` is the `[` and
    /// `ec` the closing `]`.
    fn match_bracket(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let pat = self.pat;
        let mut sig = true;
        if pat[p + 1] == b'^' {
            sig = false;
            p += 1;
        }
        p += 1;
        while p < ec {
            if pat[p] == PATTERN_ESCAPE {
                p += 1;
                if match_class(c, pat[p]) {
                    return sig;
                }
            } else if pat[p + 1] == b'-' && p + 2 < ec {
                p += 2;
                if pat[p - 2] <= c && c <= pat[p] {
                    return sig;
                }
            } else if pat[p] == c {
                return sig;
            }
            p += 1;
        }
        !sig
    }

    /// Whether subject byte `s` matches the class `pat[p..ep]`.
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.pat[p] {
            b'.' => true,
            PATTERN_ESCAPE => match_class(c, self.pat[p + 1]),
            b'[' => self.match_bracket(c, p, ep - 1),
            pc => pc == c,
        }
    }

    /// Matches the pattern from index `p` against the subject from `s`,
    /// one recursion level deeper.
    fn do_match_rec(&mut self, s: usize, p: usize) -> MatchResult {
        if self.depth == 0 {
            return Err(PatternError::TooComplex);
        }
        self.depth -= 1;
        let r = self.do_match(s, p);
        self.depth += 1;
        r
    }

    fn do_match(&mut self, mut s: usize, mut p: usize) -> MatchResult {
        let pat = self.pat;
        loop {
            self.steps -= 1;
            if self.steps < 0 {
                return Err(PatternError::TooComplex);
            }
            if p >= pat.len() {
                return Ok(Some(s));
            }
            match pat[p] {
                b'(' => {
                    return if p + 1 < pat.len() && pat[p + 1] == b')' {
                        self.start_capture(s, p + 2, CapLen::Position)
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == pat.len() => {
                    return Ok(if s == self.src.len() { Some(s) } else { None });
                }
                PATTERN_ESCAPE if p + 1 < pat.len() => match pat[p + 1] {
                    b'b' => {
                        match self.match_balance(s, p + 2)? {
                            Some(e) => s = e,
                            None => return Ok(None),
                        }
                        p += 4;
                        continue;
                    }
                    b'f' => {
                        p += 2;
                        if p >= pat.len() || pat[p] != b'[' {
                            return Err(PatternError::MissingFrontierSet);
                        }
                        let ep = self.class_end(p)?;
                        let prev = if s > 0 { self.src[s - 1] } else { 0 };
                        let cur = self.src.get(s).copied().unwrap_or(0);
                        if !self.match_bracket(prev, p, ep - 1)
                            && self.match_bracket(cur, p, ep - 1)
                        {
                            p = ep;
                            continue;
                        }
                        return Ok(None);
                    }
                    d @ b'0'..=b'9' => {
                        match self.match_backref(s, d)? {
                            Some(e) => s = e,
                            None => return Ok(None),
                        }
                        p += 2;
                        continue;
                    }
                    _ => {}
                },
                _ => {}
            }
            // A single-character class, possibly followed by a repetition.
            let ep = self.class_end(p)?;
            let matched = self.single_match(s, p, ep);
            if ep < pat.len() {
                match pat[ep] {
                    b'?' => {
                        if matched && let Some(e) = self.do_match_rec(s + 1, ep + 1)? {
                            return Ok(Some(e));
                        }
                        p = ep + 1;
                        continue;
                    }
                    b'+' => {
                        if !matched {
                            return Ok(None);
                        }
                        return self.max_expand(s + 1, p, ep);
                    }
                    b'*' => return self.max_expand(s, p, ep),
                    b'-' => return self.min_expand(s, p, ep),
                    _ => {}
                }
            }
            if !matched {
                return Ok(None);
            }
            s += 1;
            p = ep;
        }
    }

    /// Matches as many repetitions of the class `pat[p..ep]` as possible,
    /// then backs off until the rest of the pattern matches.
    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> MatchResult {
        let mut i = 0;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        self.steps -= i as i64;
        loop {
            if let Some(e) = self.do_match_rec(s + i, ep + 1)? {
                return Ok(Some(e));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    /// Matches as few repetitions of the class `pat[p..ep]` as possible.
    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> MatchResult {
        loop {
            if let Some(e) = self.do_match_rec(s, ep + 1)? {
                return Ok(Some(e));
            }
            if !self.single_match(s, p, ep) {
                return Ok(None);
            }
            s += 1;
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, what: CapLen) -> MatchResult {
        if self.level >= MAX_CAPTURES {
            return Err(PatternError::TooManyCaptures);
        }
        self.caps[self.level] = Capture { init: s, len: what };
        self.level += 1;
        let r = self.do_match_rec(s, p)?;
        if r.is_none() {
            self.level -= 1; // undo the capture
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> MatchResult {
        let Some(l) = (0..self.level)
            .rev()
            .find(|&i| self.caps[i].len == CapLen::Unfinished)
        else {
            return Err(PatternError::InvalidPatternCapture);
        };
        self.caps[l].len = CapLen::Len(s - self.caps[l].init);
        let r = self.do_match_rec(s, p)?;
        if r.is_none() {
            self.caps[l].len = CapLen::Unfinished; // undo the capture
        }
        Ok(r)
    }

    /// Matches `%bxy`, with `p` at `x`.
    fn match_balance(&mut self, s: usize, p: usize) -> MatchResult {
        if p + 1 >= self.pat.len() {
            return Err(PatternError::MissingBalanceArgs);
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if self.src.get(s) != Some(&open) {
            return Ok(None);
        }
        let mut depth = 1;
        for (k, &c) in self.src[s + 1..].iter().enumerate() {
            // `close` is tested first: with equal delimiters ("%bxx") the
            // second one closes.
            if c == close {
                depth -= 1;
                if depth == 0 {
                    self.steps -= k as i64;
                    return Ok(Some(s + 1 + k + 1));
                }
            } else if c == open {
                depth += 1;
            }
        }
        self.steps -= (self.src.len() - s) as i64;
        Ok(None)
    }

    /// Matches a back reference `%1`-`%9` (`c` is the digit).
    fn match_backref(&self, s: usize, c: u8) -> MatchResult {
        let l = (c as usize).wrapping_sub(b'1' as usize);
        if l >= self.level || self.caps[l].len == CapLen::Unfinished {
            return Err(PatternError::InvalidCaptureIndex((c - b'0') as usize));
        }
        let cp = self.caps[l];
        let CapLen::Len(len) = cp.len else {
            return Ok(None); // a position capture never matches as text
        };
        let cap = &self.src[cp.init..cp.init + len];
        if self.src.len() - s >= len && &self.src[s..s + len] == cap {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the matcher as `string.find` does and describes the result:
    /// "start end cap1 cap2 ..." (1-based, position captures as numbers),
    /// "nil" for no match, or "error: msg".
    fn find_all(subject: &[u8], pattern: &[u8], init: usize) -> String {
        let (anchor, pattern) = match pattern.strip_prefix(b"^") {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        let mut m = Matcher::new(subject, pattern);
        let (start, end) = match m.find(init, anchor) {
            Err(e) => return format!("error: {e}"),
            Ok(None) => return "nil".into(),
            Ok(Some(r)) => r,
        };
        let mut out = vec![(start + 1).to_string(), end.to_string()];
        for i in 0..m.capture_count(false) {
            match m.capture(i, start, end) {
                Err(e) => return format!("error: {e}"),
                Ok(CaptureValue::Position(p)) => out.push(p.to_string()),
                Ok(CaptureValue::Text(t)) => out.push(format!("<{}>", String::from_utf8_lossy(t))),
            }
        }
        out.join(" ")
    }

    #[test]
    fn matcher() {
        let a300 = "a".repeat(300);
        let a100k = "a".repeat(100000);
        let caps32 = "()".repeat(32);
        let caps32_want = format!("1 0{}", " 1".repeat(32));
        let caps33 = "()".repeat(33);
        let open33 = "(".repeat(33);
        let opt300 = "a?".repeat(300);
        let lazy300 = ".-".repeat(300) + "b";
        let tests: &[(&[u8], &[u8], usize, &str)] = &[
            (b"hello world", b"o", 0, "5 5"),
            (b"hello world", b"o", 5, "8 8"),
            (b"hello world", b"xyz", 0, "nil"),
            (b"hello", b"", 0, "1 0"),
            (b"hello", b"", 5, "6 5"),
            (b"hello", b"^h", 0, "1 1"),
            (b"hello", b"^e", 0, "nil"),
            (b"hello", b"o$", 0, "5 5"),
            (b"hello", b"l$", 0, "nil"),
            (b"a$b", b"$b", 0, "2 3"),
            (b"hello", b"^$", 0, "nil"),
            (b"", b"^$", 0, "1 0"),
            (b"hello", b".", 0, "1 1"),
            (b"hello", b"l+", 0, "3 4"),
            (b"hello", b"l*", 0, "1 0"),
            (b"hello", b"el*", 0, "2 4"),
            (b"hello", b"el-", 0, "2 2"),
            (b"hello", b"el-o", 0, "2 5"),
            (b"hello", b"x?h", 0, "1 1"),
            (b"hello", b"he?llo", 0, "1 5"),
            (b"hello", b"hx?ello", 0, "1 5"),
            (b"abc123def", b"%d+", 0, "4 6"),
            (b"abc123def", b"%D+", 3, "7 9"),
            (b"  x  ", b"%s*(%S+)%s*", 0, "1 5 <x>"),
            (
                b"key = value",
                b"(%w+)%s*=%s*(%w+)",
                0,
                "1 11 <key> <value>",
            ),
            (b"THE (quick) fox", b"%((%a+)%)", 0, "5 11 <quick>"),
            (b"f(a(b)c)d", b"%b()", 0, "2 8"),
            (b"f(a(b)c", b"%b()", 0, "4 6"),
            (b"abba", b"%bab", 0, "1 2"),
            (b"aabb", b"%bab", 0, "1 4"),
            (b"aab", b"%bab", 0, "2 3"),
            (b"xx", b"%bxx", 0, "1 2"),
            (b"THE (quick) fox", b"%f[%a]%a+", 5, "6 10"),
            (b"hello world", b"%f[%w]%w+$", 0, "7 11"),
            (b"abc", b"%f[%z]", 0, "4 3"),
            (b"abc", b"%f[^%z]", 0, "1 0"),
            (b"abcabc", b"(abc)%1", 0, "1 6 <abc>"),
            (b"abcabd", b"(abc)%1", 0, "nil"),
            (b"aaa", b"()a()", 0, "1 1 1 2"),
            (b"aaa", b"(()a)", 0, "1 1 <a> 1"),
            (b"aaa", b"()%1", 0, "nil"), // a position capture never matches as text
            (b"[]]", b"[]]", 0, "2 2"),
            (b"a-b", b"[a-]+", 0, "1 2"),
            (b"a-b", b"[%a-]+", 0, "1 3"),
            (b"x]", b"[%]]", 0, "2 2"),
            (b"Hello", b"[^%l]", 0, "1 1"),
            (b"hello", b"[^%l]", 0, "nil"),
            (b"0x1F", b"%x+", 2, "3 4"),
            (b"a.b", b"%.", 0, "2 2"),
            (b"a%b", b"%%", 0, "2 2"),
            (b"\x00a", b"%z", 0, "1 1"),
            (b"\x00a\x00", b"[%z]+", 1, "3 3"),
            (b"\x80\xff", b"[\x80-\xff]+", 0, "1 2"),
            (b"aXb", b"%u", 0, "2 2"),
            (b"a,b", b"%p", 0, "2 2"),
            (b"a\tb", b"%c", 0, "2 2"),
            (b"a b", b"%g+", 1, "3 3"),
            (b"ab", b"(a)(b)", 0, "1 2 <a> <b>"),
            (b"ab", b"((a)(b))", 0, "1 2 <ab> <a> <b>"),
            (b"ab", b"(a", 0, "error: unfinished capture"),
            (b"ab", b"a)", 0, "error: invalid pattern capture"),
            (b"ab", b"%", 0, "error: malformed pattern (ends with '%')"),
            (b"ab", b"[a", 0, "error: malformed pattern (missing ']')"),
            (b"ab", b"[a%", 0, "error: malformed pattern (missing ']')"),
            (b"ab", b"[]", 0, "error: malformed pattern (missing ']')"),
            (
                b"ab",
                b"%b",
                0,
                "error: malformed pattern (missing arguments to '%b')",
            ),
            (
                b"ab",
                b"%ba",
                0,
                "error: malformed pattern (missing arguments to '%b')",
            ),
            (b"ab", b"%f", 0, "error: missing '[' after '%f' in pattern"),
            (b"ab", b"%fa", 0, "error: missing '[' after '%f' in pattern"),
            (b"ab", b"%1", 0, "error: invalid capture index %1"),
            (b"ab", b"(a%1)", 0, "error: invalid capture index %1"),
            (b"ab", b"(a)%0", 0, "error: invalid capture index %0"),
            (b"ab", b"(a)%2", 0, "error: invalid capture index %2"),
            (b"ab", caps32.as_bytes(), 0, &caps32_want),
            (b"ab", caps33.as_bytes(), 0, "error: too many captures"),
            (b"ab", open33.as_bytes(), 0, "error: too many captures"),
            (
                a300.as_bytes(),
                opt300.as_bytes(),
                0,
                "error: pattern too complex",
            ),
            (
                a300.as_bytes(),
                lazy300.as_bytes(),
                0,
                "error: pattern too complex",
            ),
            (a100k.as_bytes(), b"^a*.?$", 0, "1 100000"),
            (a100k.as_bytes(), b"^a-b", 0, "nil"),
        ];
        let mut failures = Vec::new();
        for &(s, p, init, want) in tests {
            let got = find_all(s, p, init);
            if got != want {
                failures.push(format!(
                    "find({:.20?}, {:.40?}, {}) = {got:?}, want {want:?}",
                    String::from_utf8_lossy(s),
                    String::from_utf8_lossy(p),
                    init + 1
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn budget_stops_exponential_backtracking() {
        // A smaller budget than the default keeps the test quick.
        let s = "a".repeat(40);
        let p = "a*".repeat(40) + "b";
        let mut m = Matcher::new(s.as_bytes(), p.as_bytes());
        assert!(m.steps >= MATCH_STEPS_BASE + 40 * MATCH_STEPS_PER_BYTE);
        m.set_budget(1 << 20);
        assert_eq!(m.find(0, false), Err(PatternError::TooComplex));
        assert!(m.steps_used() > 1 << 20);
    }

    #[test]
    fn depth_restored_after_match() {
        let mut m = Matcher::new(b"aaa(b)", b"(a+)%((.)%)");
        assert_eq!(m.find(0, false), Ok(Some((0, 6))));
        assert_eq!(m.depth, MAX_MATCH_DEPTH);
    }

    #[test]
    fn classes() {
        let classes = b"acdglpsuwxz";
        for c in 0..=255u8 {
            for &cl in classes {
                let upper = cl.to_ascii_uppercase();
                assert_ne!(
                    match_class(c, cl),
                    match_class(c, upper),
                    "%{} and %{} agree on {c}",
                    cl as char,
                    upper as char
                );
            }
            let alpha = c.is_ascii_alphabetic();
            let digit = c.is_ascii_digit();
            let checks = [
                (b'a', alpha),
                (b'd', digit),
                (b'w', alpha || digit),
                (b's', c == b' ' || (9..=13).contains(&c)),
                (b'c', c < 32 || c == 127),
                (b'p', c > 32 && c < 127 && !alpha && !digit),
                (b'g', c > 32 && c < 127),
                (b'l', c.is_ascii_lowercase()),
                (b'u', c.is_ascii_uppercase()),
                (b'x', digit || ((c | 0x20) >= b'a' && (c | 0x20) <= b'f')),
                (b'z', c == 0),
            ];
            for (cl, want) in checks {
                assert_eq!(match_class(c, cl), want, "%{} on {c}", cl as char);
            }
            // Any other byte after '%' stands for itself.
            let is_class_letter =
                classes.contains(&c.to_ascii_lowercase()) && c.is_ascii_alphabetic();
            if !is_class_letter {
                assert!(match_class(c, c), "%{c} does not match itself");
            }
        }
    }

    #[test]
    fn specials() {
        for p in [
            &b"^"[..],
            b"$",
            b"*",
            b"+",
            b"?",
            b".",
            b"(",
            b"[",
            b"%",
            b"-",
            b"a.b",
        ] {
            assert!(has_specials(p), "{p:?}");
        }
        for p in [&b""[..], b"abc", b")", b"]", b"a\x00b"] {
            assert!(!has_specials(p), "{p:?}");
        }
    }

    #[test]
    fn plain_find() {
        assert_eq!(find_bytes(b"hello world", b"o w"), Some(4));
        assert_eq!(find_bytes(b"hello", b""), Some(0));
        assert_eq!(find_bytes(b"", b""), Some(0));
        assert_eq!(find_bytes(b"aab", b"ab"), Some(1));
        assert_eq!(find_bytes(b"ab", b"abc"), None);
        assert_eq!(find_bytes(b"abcab", b"b"), Some(1));
        assert_eq!(find_bytes(b"xyz", b"yzz"), None);
    }

    /// A small deterministic generator for the property test below.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick(&mut self, from: &[u8]) -> u8 {
            from[(self.next() % from.len() as u64) as usize]
        }
    }

    /// Random patterns against random subjects: the matcher never panics,
    /// always stops, and the skipping search agrees with trying every
    /// position (the FuzzPattern property of the Go version).
    #[test]
    fn skipping_search_agrees_with_every_position() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let subject_bytes = b"ab()x\x00 ]";
        let pattern_bytes = b"ab()x%[]^$.*+-?bfz1ad ";
        for _ in 0..20000 {
            let slen = (rng.next() % 12) as usize;
            let plen = (rng.next() % 10) as usize;
            let s: Vec<u8> = (0..slen).map(|_| rng.pick(subject_bytes)).collect();
            let p: Vec<u8> = (0..plen).map(|_| rng.pick(pattern_bytes)).collect();
            let init = (rng.next() % (slen as u64 + 1)) as usize;
            let mut m = Matcher::new(&s, &p);
            m.set_budget(1 << 16);
            let got = m.find(init, false);
            let mut bm = Matcher::new(&s, &p);
            bm.set_budget(1 << 16);
            let mut want = Ok(None);
            for pos in init..=s.len() {
                bm.prepare();
                match bm.match_at(pos) {
                    Ok(None) => continue,
                    Ok(Some(e)) => want = Ok(Some((pos, e))),
                    Err(e) => want = Err(e),
                }
                break;
            }
            if got != Err(PatternError::TooComplex) && want != Err(PatternError::TooComplex) {
                assert_eq!(
                    got,
                    want,
                    "subject {s:?} pattern {:?} init {init}",
                    String::from_utf8_lossy(&p)
                );
            }
            if let Ok(Some((start, end))) = got {
                assert!(start >= init && end >= start && end <= s.len());
                for i in 0..m.capture_count(true) {
                    let _ = m.capture(i, start, end);
                }
                assert_eq!(m.depth, MAX_MATCH_DEPTH);
            }
        }
    }
}
