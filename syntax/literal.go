package syntax

import "strconv"

// This file scans the literal tokens: numerals, short strings with their
// escapes, and long strings (long comments share the long-string reader).

// number scans a numeral. The current byte is its first digit, or a '.'
// followed by the digit first. Like the reference, it takes the longest run
// of bytes that may belong to a numeral (hex digits, '.', exponent marks
// with their sign) plus one touching letter, and then converts the whole
// text, so that "3x" or "1..2" are malformed numbers rather than two
// tokens.
func (s *Scanner) number(tok *Token, first int) Kind {
	start := s.off
	if s.src[s.off] == '.' {
		s.off++
	}
	s.off++
	exp1, exp2 := 'e', 'E'
	if first == '0' && (s.cur() == 'x' || s.cur() == 'X') {
		s.off++
		exp1, exp2 = 'p', 'P'
	}
	for {
		c := s.cur()
		if c == int(exp1) || c == int(exp2) {
			s.off++
			if c := s.cur(); c == '+' || c == '-' {
				s.off++
			}
		} else if is(c, cXDigit) || c == '.' {
			s.off++
		} else {
			break
		}
	}
	if is(s.cur(), cAlpha) {
		s.off++
	}
	text := s.src[start:s.off]
	i, f, isInt, ok := parseNumber(text)
	if !ok {
		s.error("malformed number", quoteText(text))
		return TokIllegal
	}
	if isInt {
		tok.Int = i
		return TokInt
	}
	tok.Float = f
	return TokFloat
}

// bracket scans what starts with '[': a long string or a plain '['.
func (s *Scanner) bracket(tok *Token) Kind {
	s.buf = s.buf[:0]
	startLine := s.line
	level := s.longBracket()
	switch {
	case level == -1:
		return TokLBracket
	case level < 0:
		s.error("invalid long string delimiter", s.bufText())
		return TokIllegal
	}
	if !s.longString(level, true, startLine) {
		return TokIllegal
	}
	n := level + 2
	tok.Str = s.intern(s.buf[n : len(s.buf)-n])
	return TokString
}

// longString reads the rest of a long string or long comment of the given
// level; the current byte is the second '[' of its opening bracket. With
// keep, the buffer ends up holding the whole token with newlines
// normalized to '\n' and a newline right after the opening bracket
// dropped: the value is between the brackets. It reports false after an
// error (end of the chunk before the closing bracket).
func (s *Scanner) longString(level int, keep bool, startLine int32) bool {
	s.saveNext()
	if isNewline(s.cur()) {
		s.newline()
	}
	for {
		c := s.cur()
		switch {
		case c == eof:
			what := "comment"
			if keep {
				what = "string"
			}
			s.error("unfinished long "+what+" (starting at line "+
				strconv.Itoa(int(startLine))+")", "<eof>")
			return false
		case c == ']':
			if s.longBracket() == level {
				s.saveNext()
				return true
			}
			if !keep {
				s.buf = s.buf[:0]
			}
		case isNewline(c):
			if keep {
				s.save('\n')
			}
			s.newline()
		case keep:
			s.saveNext()
		default:
			s.off++
		}
	}
}

// shortString scans a string delimited by '"' or '\”. The buffer holds
// the opening delimiter and the decoded bytes read so far, which is what
// the reference shows in a message about the string.
func (s *Scanner) shortString(tok *Token) Kind {
	delim := int(s.src[s.off])
	s.buf = s.buf[:0]
	s.saveNext()
	for {
		switch c := s.cur(); c {
		case delim:
			s.saveNext()
			tok.Str = s.intern(s.buf[1 : len(s.buf)-1])
			return TokString
		case eof:
			s.error("unfinished string", "<eof>")
			return TokIllegal
		case '\n', '\r':
			s.error("unfinished string", s.bufText())
			return TokIllegal
		case '\\':
			if !s.escape() {
				s.skipString(delim)
				return TokIllegal
			}
		default:
			s.saveNext()
		}
	}
}

// skipString skips the rest of a string after an error in an escape.
func (s *Scanner) skipString(delim int) {
	for {
		switch c := s.cur(); c {
		case delim:
			s.off++
			return
		case eof, '\n', '\r':
			return
		case '\\':
			s.off++
			if isNewline(s.cur()) {
				s.newline()
			} else if s.cur() != eof {
				s.off++
			}
		default:
			s.off++
		}
	}
}

// escapeError reports an error in an escape sequence. Like the reference,
// it shows the string read so far, including the offending byte.
func (s *Scanner) escapeError(msg string) bool {
	if c := s.cur(); c != eof {
		s.save(c)
		if !isNewline(c) {
			s.off++
		}
	}
	s.error(msg, s.bufText())
	return false
}

// escape decodes an escape sequence; the current byte is the backslash.
// It reports false after an error.
func (s *Scanner) escape() bool {
	s.saveNext() // the backslash stays in the buffer for messages
	var r int
	switch c := s.cur(); c {
	case 'a':
		r = '\a'
	case 'b':
		r = '\b'
	case 'f':
		r = '\f'
	case 'n':
		r = '\n'
	case 'r':
		r = '\r'
	case 't':
		r = '\t'
	case 'v':
		r = '\v'
	case '\\', '"', '\'':
		r = c
	case 'x':
		var ok bool
		if r, ok = s.hexEscape(); !ok {
			return false
		}
	case 'u':
		return s.utf8Escape()
	case '\n', '\r':
		s.newline()
		s.buf[len(s.buf)-1] = '\n'
		return true
	case eof:
		return true // the caller reports the unfinished string
	case 'z':
		s.buf = s.buf[:len(s.buf)-1]
		s.off++
		for c := s.cur(); is(c, cSpace); c = s.cur() {
			if isNewline(c) {
				s.newline()
			} else {
				s.off++
			}
		}
		return true
	default:
		if !is(c, cDigit) {
			return s.escapeError("invalid escape sequence")
		}
		n := 0
		for ; n < 3 && is(s.cur(), cDigit); n++ {
			r = r*10 + s.cur() - '0'
			s.saveNext()
		}
		if r > 255 {
			return s.escapeError("decimal escape too large")
		}
		s.buf = s.buf[:len(s.buf)-n]
		s.buf[len(s.buf)-1] = byte(r)
		return true
	}
	s.off++
	s.buf[len(s.buf)-1] = byte(r)
	return true
}

// hexDigit saves the current byte, advances, and returns the value of the
// hexadecimal digit that follows.
func (s *Scanner) hexDigit() (int, bool) {
	s.saveNext()
	c := s.cur()
	if !is(c, cXDigit) {
		return 0, s.escapeError("hexadecimal digit expected")
	}
	return hexValue(c), true
}

func hexValue(c int) int {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// hexEscape reads "\xXX"; the current byte is the 'x'. It leaves the
// second digit current and the buffer ending with the backslash.
func (s *Scanner) hexEscape() (int, bool) {
	hi, ok := s.hexDigit()
	if !ok {
		return 0, false
	}
	lo, ok := s.hexDigit()
	if !ok {
		return 0, false
	}
	s.buf = s.buf[:len(s.buf)-2]
	return hi<<4 | lo, true
}

// utf8Escape reads "\u{XXX}"; the current byte is the 'u'. The value may
// be up to 2^31-1 and is encoded in the extended UTF-8 of the reference
// (up to six bytes, surrogates allowed).
func (s *Scanner) utf8Escape() bool {
	backslash := len(s.buf) - 1
	s.saveNext()
	if s.cur() != '{' {
		return s.escapeError("missing '{'")
	}
	r, ok := s.hexDigit()
	if !ok {
		return false
	}
	for {
		s.saveNext()
		c := s.cur()
		if !is(c, cXDigit) {
			break
		}
		if r > 0x7FFFFFFF>>4 {
			return s.escapeError("UTF-8 value too large")
		}
		r = r<<4 | hexValue(c)
	}
	if s.cur() != '}' {
		return s.escapeError("missing '}'")
	}
	s.off++
	s.buf = appendUTF8(s.buf[:backslash], uint32(r))
	return true
}

// appendUTF8 appends the extended UTF-8 encoding of x (at most 2^31-1).
func appendUTF8(b []byte, x uint32) []byte {
	if x < 0x80 {
		return append(b, byte(x))
	}
	var tmp [6]byte
	n := 0
	limit := uint32(0x3f) // the largest value that fits in the first byte
	for x > limit {
		tmp[5-n] = byte(0x80 | x&0x3f)
		n++
		x >>= 6
		limit >>= 1
	}
	tmp[5-n] = byte(^limit<<1 | x)
	n++
	return append(b, tmp[6-n:]...)
}
