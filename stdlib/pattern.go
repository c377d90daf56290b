package stdlib

import (
	"strconv"
	"strings"

	"github.com/lunar-lua/lunar"
)

// The Lua pattern matcher (§6.4.1): a backtracking matcher over bytes, in
// the C locale. It depends on the runtime only to charge its work to the
// run's budget (when given a thread), so that it can be tested and fuzzed
// on its own; string.find, match, gmatch and
// gsub wrap it.
//
// The matcher recurses only where the pattern needs a choice point (a
// capture, a repetition with '*', '+', '-' or '?'); a sequence of single
// characters is matched in a loop. Its recursion depth is bounded by
// maxMatchDepth, as the reference bounds it by MAXCCALLS, so a deep
// pattern fails with "pattern too complex" instead of exhausting the Go
// stack. Its total work is bounded too (see matcher.steps): the reference
// can take exponential time on pathological patterns, where Lunar stops
// with the same "pattern too complex" error.

const (
	// maxCaptures is the most captures a pattern may hold
	// (LUA_MAXCAPTURES).
	maxCaptures = 32
	// maxMatchDepth bounds the matcher's recursion (MAXCCALLS).
	maxMatchDepth = 200
	// Work budget of one matching call: a base plus an allowance per
	// subject byte. Ordinary patterns use a few steps per byte.
	matchStepsBase    = 1 << 26
	matchStepsPerByte = 256

	// pollSteps is how often (in steps) a match charges the run's budget;
	// stepsPerInstruction is how many steps count as one instruction.
	pollSteps           = 1 << 12
	stepsPerInstruction = 8

	capUnfinished = -1 // capture opened, not closed yet
	capPosition   = -2 // position capture "()"

	patternEscape = '%'
)

// capture is one capture of a match: its start in the subject and its
// length (or capUnfinished, capPosition).
type capture struct {
	init int
	len  int
}

// matcher holds the state of matching one pattern against one subject.
// The zero value is not ready: call reset.
type matcher struct {
	src   string
	pat   string
	level int // number of captures opened so far
	depth int // recursion levels left
	steps int // work left before "pattern too complex"
	err   string
	// th, when set, is charged for the work as it goes (lunar.Thread.Charge),
	// so that instruction limits, deadlines and interrupts stop a long
	// match; limitErr is the error that stopped it.
	th       *lunar.Thread
	limitErr error
	caps     [maxCaptures]capture
}

// reset prepares m to match pattern pat against subject src, with a fresh
// work budget.
func (m *matcher) reset(src, pat string) {
	m.src = src
	m.pat = pat
	m.level = 0
	m.depth = maxMatchDepth
	m.err = ""
	m.limitErr = nil
	m.steps = matchStepsBase + matchStepsPerByte*len(src)
	if m.steps < 0 { // overflow on a huge subject
		m.steps = int(^uint(0) >> 1)
	}
}

// prepare resets the captures and the depth before a match attempt at a
// new position (the reference's reprepstate); the work budget carries on.
func (m *matcher) prepare() {
	m.level = 0
	m.depth = maxMatchDepth
}

// error returns the error that stopped the match: a limit of the run, or
// a pattern error.
func (m *matcher) error(t *lunar.Thread) error {
	if m.limitErr != nil {
		return m.limitErr
	}
	return t.Errorf("%s", m.err)
}

// fail records a pattern error; the match then unwinds returning -1.
func (m *matcher) fail(msg string) int {
	if m.err == "" {
		m.err = msg
	}
	return -1
}

// find tries to match pat (the part after a leading '^', when anchor is
// set) at positions init, init+1, ... of src. It returns the start and
// end of the first match, or start -1 when there is none. Errors are left
// in m.err.
func (m *matcher) find(init int, anchor bool) (start, end int) {
	var first byte
	skip := false
	if !anchor {
		first, skip = firstByte(m.pat)
	}
	for s := init; ; s++ {
		if skip && s > init {
			// No match can start before the next occurrence of first.
			k := strings.IndexByte(m.src[s:], first)
			if k < 0 {
				return -1, -1
			}
			s += k
		}
		m.prepare()
		if e := m.match(s, 0); e >= 0 {
			return s, e
		}
		if m.err != "" || anchor || s >= len(m.src) {
			return -1, -1
		}
	}
}

// firstByte returns the byte that every match of pattern p must start
// with, when p starts (after any opening of captures) with a plain
// character that must occur at least once. Searches use it to skip
// positions where the match is bound to fail. They must still try their
// first position, whatever byte is there: the reference reports errors in
// the leading captures (too many) at the first attempt.
func firstByte(p string) (byte, bool) {
	i := 0
	for i < len(p) && p[i] == '(' {
		if i+1 < len(p) && p[i+1] == ')' {
			i += 2
		} else {
			i++
		}
	}
	if i >= len(p) || strings.IndexByte("^$*+?.()[]%-", p[i]) >= 0 {
		return 0, false
	}
	if i+1 < len(p) && (p[i+1] == '*' || p[i+1] == '?' || p[i+1] == '-') {
		return 0, false
	}
	return p[i], true
}

// Character class bits, for the C locale.
const (
	clAlpha = 1 << iota
	clCntrl
	clDigit
	clGraph
	clLower
	clPunct
	clSpace
	clUpper
	clXDigit
	clZero // %z, deprecated but still accepted: the zero byte
)

var charClass = func() (t [256]uint16) {
	for c := 0; c < 256; c++ {
		var b uint16
		switch {
		case c >= 'a' && c <= 'z':
			b |= clAlpha | clLower
		case c >= 'A' && c <= 'Z':
			b |= clAlpha | clUpper
		case c >= '0' && c <= '9':
			b |= clDigit
		}
		if c < 32 || c == 127 {
			b |= clCntrl
		}
		if c > 32 && c < 127 {
			b |= clGraph
			if b&(clAlpha|clDigit) == 0 {
				b |= clPunct
			}
		}
		if c == ' ' || (c >= '\t' && c <= '\r') {
			b |= clSpace
		}
		if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
			b |= clXDigit
		}
		if c == 0 {
			b |= clZero
		}
		t[c] = b
	}
	return t
}()

// classBits maps a class letter (lower case) to its bits.
func classBits(cl byte) uint16 {
	switch cl {
	case 'a':
		return clAlpha
	case 'c':
		return clCntrl
	case 'd':
		return clDigit
	case 'g':
		return clGraph
	case 'l':
		return clLower
	case 'p':
		return clPunct
	case 's':
		return clSpace
	case 'u':
		return clUpper
	case 'w':
		return clAlpha | clDigit
	case 'x':
		return clXDigit
	case 'z':
		return clZero
	}
	return 0
}

// matchClass reports whether c belongs to the class %cl; an upper-case
// class letter is the complement, any other byte stands for itself.
func matchClass(c, cl byte) bool {
	bits := classBits(cl | 0x20)
	if bits == 0 {
		return cl == c
	}
	res := charClass[c]&bits != 0
	if cl >= 'A' && cl <= 'Z' {
		return !res
	}
	return res
}

// classEnd returns the index just after the single-character class that
// starts at p.
func (m *matcher) classEnd(p int) int {
	pat := m.pat
	c := pat[p]
	p++
	switch c {
	case patternEscape:
		if p >= len(pat) {
			return m.fail("malformed pattern (ends with '%')")
		}
		return p + 1
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for { // look for the closing ']'; the first byte may be one
			if p >= len(pat) {
				return m.fail("malformed pattern (missing ']')")
			}
			c := pat[p]
			p++
			if c == patternEscape && p < len(pat) {
				p++ // skip the escaped byte (e.g. "%]")
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
		}
	}
	return p
}

// matchBracket reports whether c matches the set pat[p:ec+1], where p is
// the '[' and ec the closing ']'.
func (m *matcher) matchBracket(c byte, p, ec int) bool {
	pat := m.pat
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == patternEscape:
			p++
			if matchClass(c, pat[p]) {
				return sig
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return sig
			}
		case pat[p] == c:
			return sig
		}
	}
	return !sig
}

// singleMatch reports whether subject byte s matches the class pat[p:ep].
func (m *matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	c := m.src[s]
	switch m.pat[p] {
	case '.':
		return true
	case patternEscape:
		return matchClass(c, m.pat[p+1])
	case '[':
		return m.matchBracket(c, p, ep-1)
	}
	return m.pat[p] == c
}

// match matches the pattern from index p against the subject from index
// s; it returns the end of the match, or -1.
func (m *matcher) match(s, p int) int {
	if m.depth == 0 {
		return m.fail("pattern too complex")
	}
	m.depth--
	r := m.doMatch(s, p)
	m.depth++
	return r
}

func (m *matcher) doMatch(s, p int) int {
	pat := m.pat
	for {
		m.steps--
		if m.steps < 0 {
			return m.fail("pattern too complex")
		}
		if m.steps&(pollSteps-1) == 0 && m.th != nil {
			if err := m.th.Charge(pollSteps / stepsPerInstruction); err != nil {
				m.limitErr = err
				return m.fail("limit")
			}
		}
		if p >= len(pat) {
			return s
		}
		switch pat[p] {
		case '(':
			if p+1 < len(pat) && pat[p+1] == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '$':
			if p+1 == len(pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		case patternEscape:
			if p+1 < len(pat) {
				switch c := pat[p+1]; {
				case c == 'b':
					s = m.matchBalance(s, p+2)
					if s < 0 {
						return -1
					}
					p += 4
					continue
				case c == 'f':
					p += 2
					if p >= len(pat) || pat[p] != '[' {
						return m.fail("missing '[' after '%f' in pattern")
					}
					ep := m.classEnd(p)
					if ep < 0 {
						return -1
					}
					var prev, cur byte
					if s > 0 {
						prev = m.src[s-1]
					}
					if s < len(m.src) {
						cur = m.src[s]
					}
					if !m.matchBracket(prev, p, ep-1) && m.matchBracket(cur, p, ep-1) {
						p = ep
						continue
					}
					return -1
				case c >= '0' && c <= '9':
					s = m.matchBackref(s, c)
					if s < 0 {
						return -1
					}
					p += 2
					continue
				}
			}
		}
		// A single-character class, possibly followed by a repetition.
		ep := m.classEnd(p)
		if ep < 0 {
			return -1
		}
		matched := m.singleMatch(s, p, ep)
		if ep < len(pat) {
			switch pat[ep] {
			case '?':
				if matched {
					if r := m.match(s+1, ep+1); r >= 0 || m.err != "" {
						return r
					}
				}
				p = ep + 1
				continue
			case '+':
				if !matched {
					return -1
				}
				return m.maxExpand(s+1, p, ep)
			case '*':
				return m.maxExpand(s, p, ep)
			case '-':
				return m.minExpand(s, p, ep)
			}
		}
		if !matched {
			return -1
		}
		s++
		p = ep
	}
}

// maxExpand matches as many repetitions of the class pat[p:ep] as
// possible, then backs off until the rest of the pattern matches.
func (m *matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		i++
	}
	m.steps -= i
	for ; i >= 0; i-- {
		if r := m.match(s+i, ep+1); r >= 0 || m.err != "" {
			return r
		}
	}
	return -1
}

// minExpand matches as few repetitions of the class pat[p:ep] as possible.
func (m *matcher) minExpand(s, p, ep int) int {
	for {
		if r := m.match(s, ep+1); r >= 0 || m.err != "" {
			return r
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

func (m *matcher) startCapture(s, p, what int) int {
	if m.level >= maxCaptures {
		return m.fail("too many captures")
	}
	m.caps[m.level] = capture{init: s, len: what}
	m.level++
	r := m.match(s, p)
	if r < 0 {
		m.level-- // undo the capture
	}
	return r
}

func (m *matcher) endCapture(s, p int) int {
	l := -1
	for i := m.level - 1; i >= 0; i-- {
		if m.caps[i].len == capUnfinished {
			l = i
			break
		}
	}
	if l < 0 {
		return m.fail("invalid pattern capture")
	}
	m.caps[l].len = s - m.caps[l].init
	r := m.match(s, p)
	if r < 0 {
		m.caps[l].len = capUnfinished // undo the capture
	}
	return r
}

// matchBalance matches %bxy, with p at x.
func (m *matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		return m.fail("malformed pattern (missing arguments to '%b')")
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	open, close := m.pat[p], m.pat[p+1]
	depth := 1
	for s++; s < len(m.src); s++ {
		switch m.src[s] {
		case close:
			depth--
			if depth == 0 {
				return s + 1
			}
		case open:
			depth++
		}
	}
	m.steps -= len(m.src) - s
	return -1
}

// matchBackref matches %1-%9 (c is the digit).
func (m *matcher) matchBackref(s int, c byte) int {
	l := int(c - '1')
	if l < 0 || l >= m.level || m.caps[l].len == capUnfinished {
		return m.fail("invalid capture index %" + string(rune(c)))
	}
	cp := m.caps[l]
	if cp.len < 0 { // a position capture never matches as text
		return -1
	}
	if len(m.src)-s >= cp.len && m.src[cp.init:cp.init+cp.len] == m.src[s:s+cp.len] {
		return s + cp.len
	}
	return -1
}

// captureCount returns how many values a match yields: its captures, or
// the whole match when it has none.
func (m *matcher) captureCount(wholeIfNone bool) int {
	if m.level == 0 && wholeIfNone {
		return 1
	}
	return m.level
}

// getCapture returns capture i of a match of src[s:e]: its text, or its
// position (pos > 0) for a position capture. Index 0 with no captures is
// the whole match. It fails with the reference's messages for a bad index
// or an unfinished capture.
func (m *matcher) getCapture(i, s, e int) (text string, pos int, err string) {
	if i >= m.level {
		if i != 0 {
			return "", 0, "invalid capture index %" + strconv.Itoa(i+1)
		}
		return m.src[s:e], 0, ""
	}
	c := m.caps[i]
	switch c.len {
	case capUnfinished:
		return "", 0, "unfinished capture"
	case capPosition:
		return "", c.init + 1, ""
	}
	return m.src[c.init : c.init+c.len], 0, ""
}

// hasSpecials reports whether a pattern has any magic byte; without any,
// string.find can search for it as a plain string.
func hasSpecials(p string) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '^', '$', '*', '+', '?', '.', '(', '[', '%', '-':
			return true
		}
	}
	return false
}
